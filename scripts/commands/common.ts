import { lstatSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, styleText, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../config/did-you-mean.ts';
import type { ConfigModel } from '../config/model.ts';
import { renderText, type TextStyle } from '../report/text.ts';
import type { Git } from '../git/port.ts';
import { validateAt } from '../rules/validate-at-ref.ts';
import { validateRepository, type Validation } from '../rules/validate-repository.ts';

/** What a command may touch of the process: passed in so commands stay testable. */
export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTTY: boolean;
  /** The clock, in ms since the epoch. */
  now(): number;
  /** Asks a question on the terminal; absent when there is none. */
  ask?(question: string): Promise<string>;
}

/** A mistake in how rollgate was called: exit 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The repository or a server could not be reached or read: exit 2. */
export class InfrastructureError extends Error {
  override name = 'InfrastructureError';
}

export const COMMON_OPTIONS = {
  dir: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export type Format = 'text' | 'json' | 'github' | 'markdown';

/**
 * parseArgs with the common options; unknown options are usage errors. `--` ends the options:
 * every argument after it is a positional, so a rollout named `--emergency` stays a name.
 */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  const all = { ...COMMON_OPTIONS, ...options };
  try {
    return parseArgs({ args: argv, options: all, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'--([^'=]+)/.exec(message)?.[1] : undefined;
    const near = unknown === undefined ? undefined : didYouMean(unknown, Object.keys(all));
    // A near miss was meant as an option: node's hint about positionals after "--" would mislead.
    throw new UsageError(near ? `Unknown option '--${unknown}'; did you mean --${near}?` : message);
  }
}

/**
 * The repository: --dir resolved against the working directory, or else found as git finds
 * it (the nearest folder up from the working directory that holds `.git`; the working
 * directory itself outside git). It must hold rollout/ or alerts/.
 */
export function repoDir(io: Io, dir: string | undefined): string {
  const path = dir === undefined ? (gitRoot(io.cwd) ?? io.cwd) : resolve(io.cwd, dir);
  if (!isFolder(path)) throw new UsageError(`--dir ${dir ?? '.'}: not a directory`);
  if (!lstatSync(join(path, 'rollout'), { throwIfNoEntry: false }) && !lstatSync(join(path, 'alerts'), { throwIfNoEntry: false })) {
    const where = dir === undefined && path !== io.cwd ? ` (the git repository around ${io.cwd})` : '';
    throw new UsageError(`${path}${where}: no rollout/ or alerts/ folder, so not a rollgate repository; run rollgate inside one or give --dir PATH`);
  }
  return path;
}

const isFolder = (path: string) => Boolean(statSync(path, { throwIfNoEntry: false })?.isDirectory());

/** The nearest folder from `from` upwards that holds `.git` (a folder, or a file in a worktree or submodule). */
export function gitRoot(from: string): string | undefined {
  for (let d = resolve(from); ; d = dirname(d)) {
    if (statSync(join(d, '.git'), { throwIfNoEntry: false })) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** --format, defaulting to github inside GitHub Actions. */
export function formatOf(io: Io, value: string | undefined, allowed: readonly string[] = ['text', 'json', 'github']): Format {
  const format = value ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
  if (!allowed.includes(format)) throw new UsageError(`--format must be one of ${allowed.join(', ')}, got "${format}"`);
  return format as Format;
}

export function textStyle(io: Io): TextStyle {
  const color = io.isTTY && !io.env.NO_COLOR;
  const s = (fmt: Parameters<typeof styleText>[0]) => (t: string) => (color ? styleText(fmt, t) : t);
  return { red: s('red'), yellow: s('yellow'), dim: s('dim'), bold: s('bold') };
}

/** ROLLGATE_THREADS caps the threads that check files; unset, rollgate uses the machine's cores. */
export function threadsFrom(env: NodeJS.ProcessEnv): number | undefined {
  if (!env.ROLLGATE_THREADS) return undefined;
  const n = Number(env.ROLLGATE_THREADS);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`ROLLGATE_THREADS must be a whole number ≥ 1, got "${env.ROLLGATE_THREADS}"`);
  return n;
}

/** The config is invalid: the command stops before touching anything (exit 1). */
export class ConfigInvalid extends Error {
  override name = 'ConfigInvalid';
}

/** Loads and validates the repository; on errors prints them to stderr and throws ConfigInvalid. */
export async function loadValidConfig(io: Io, dir: string): Promise<Validation> {
  const result = await validateRepository(dir, { threads: threadsFrom(io.env) });
  if (!result.ok) {
    io.stderr(renderText(result.diagnostics.filter((d) => d.severity === 'error'), result.sources, result.files));
    throw new ConfigInvalid('the config is invalid; fix it first (rollgate validate)');
  }
  return result;
}

/** --env, checked against environments.yaml; all environments in promotion order when absent. */
export function environmentsOf(model: ConfigModel, env: string | undefined): string[] {
  const order = model.environments[0]?.doc.spec.promotionOrder ?? [];
  if (env === undefined) return order;
  if (!order.includes(env)) {
    const near = didYouMean(env, order);
    throw new UsageError(`--env ${env}: no such environment${near ? `; did you mean ${near}?` : ''} (known: ${order.join(', ')})`);
  }
  return [env];
}

/** environments.yaml's spec: the verbs that reach a store, git's main branch or GitHub need it. */
export function environmentsSpec(model: ConfigModel) {
  const spec = model.environments[0]?.doc.spec;
  if (!spec) throw new UsageError('no Environments file (rollout/environments.yaml): it names the environments, their flag stores and the main branch this needs');
  return spec;
}

/** The one ROLLOUT positional, looked up in the model. */
export function rolloutArg(model: ConfigModel, positionals: string[]) {
  if (positionals.length !== 1) throw new UsageError('give exactly one ROLLOUT');
  const rollout = model.rolloutByName.get(positionals[0]);
  if (!rollout && model.rolloutByName.size === 0) throw new UsageError(`no rollout "${positionals[0]}": the repository has no rollouts yet (rollout/NAME.yaml)`);
  if (!rollout) {
    const near = didYouMean(positionals[0], model.rolloutByName.keys());
    throw new UsageError(`no rollout "${positionals[0]}"${near ? `; did you mean ${near}?` : ''} (known: ${[...model.rolloutByName.keys()].join(', ')})`);
  }
  return rollout;
}

/**
 * The model a PR proposes: read from git objects at `headRef` (the trusted gate job never
 * checks a PR out), or the work tree when no ref is given. Invalid: printed, ConfigInvalid.
 */
export async function loadHeadModel(io: Io, dir: string, git: Git, headRef: string | undefined): Promise<{ model: ConfigModel; sha?: string }> {
  if (headRef === undefined) return { model: (await loadValidConfig(io, dir)).model };
  if (!(await git.resolve(headRef))) throw new UsageError(`--head ${headRef}: no such ref`);
  const v = await validateAt(git, headRef);
  if (!v.ok) {
    const errors = v.diagnostics.filter((d) => d.severity === 'error');
    const sources = new Map<string, string>();
    for (const d of errors) if (!sources.has(d.file)) sources.set(d.file, (await git.show(v.sha, d.file)) ?? '');
    io.stderr(renderText(errors, sources, sources.size));
    throw new ConfigInvalid(`the config at ${headRef} (${v.sha.slice(0, 7)}) is invalid; fix it first (rollgate validate)`);
  }
  return { model: v.model, sha: v.sha };
}

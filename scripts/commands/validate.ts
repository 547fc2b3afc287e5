import { appendFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isConfigPath } from '../config/discover.ts';
import { renderAnnotations, renderSummary } from '../report/github.ts';
import { renderJson } from '../report/json.ts';
import { selectDiagnostics } from '../report/select.ts';
import { renderText } from '../report/text.ts';
import type { CacheOptions } from '../rules/check-cache.ts';
import { codeIdentity } from '../rules/code-identity.ts';
import { validateRepository } from '../rules/validate-repository.ts';
import { formatOf, parse, repoDir, textStyle, threadsFrom, UsageError, type Io } from './common.ts';

export const usage = `rollgate validate [FILE…] [--dir PATH] [--format text|json|github] [--quiet] [--max-warnings N] [--no-cache]

Checks every file under rollout/ and alerts/: YAML, schema, and the rules across files.
Every error in one run: a schema error inside one item (a stage, a gate criterion, a
metric, an alert rule, a channel…) drops that item only, and the rules check the rest.
With FILEs (paths from the working directory, as an editor or pre-commit passes them) it
reports only those files' problems; the rules across files still read the whole repository.
  --quiet           errors only
  --max-warnings N  exit 1 on more than N warnings (counted even when --quiet hides them)
Exit 0 valid (warnings allowed), 1 invalid, 2 usage or infrastructure error.
ROLLGATE_THREADS=N caps the threads that check files (default: the cores, at most 4).
Each unchanged file's result comes from the cache of the last run (by its bytes and this
rollgate), in $ROLLGATE_CACHE_DIR or $XDG_CACHE_HOME/rollgate (~/.cache/rollgate); the
rules across files always run. --no-cache (or ROLLGATE_CACHE=off) checks every file.

Examples:
  rollgate validate
  rollgate validate --dir ../rollouts --format json
  rollgate validate --quiet --max-warnings 0 rollout/checkout-v2.yaml alerts/checkout-v2.yaml`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { 'no-cache': { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, 'max-warnings': { type: 'string' } }, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  const format = formatOf(io, values.format);
  const dir = repoDir(io, values.dir);
  const maxWarnings = values['max-warnings'] === undefined ? undefined : wholeNumber(values['max-warnings']);
  const files = positionals.length ? new Set(positionals.map((p) => configPath(io, dir, p))) : undefined;
  const cache = values['no-cache'] ? undefined : cacheOf(io.env);
  const result = await validateRepository(dir, { threads: threadsFrom(io.env), ...(cache ? { cache } : {}) });
  const shown = selectDiagnostics(result.diagnostics, { ...(files ? { files } : {}), quiet: values.quiet ?? false, ...(maxWarnings !== undefined ? { maxWarnings } : {}) });
  const count = files ? files.size : result.files;
  const plural = (n: number) => `${n} warning${n === 1 ? '' : 's'}`;
  const hidden = values.quiet && shown.warnings ? `(--quiet: ${plural(shown.warnings)} not shown)\n` : '';
  const over = hidden + (shown.overWarnings ? `✗ ${plural(shown.warnings)}, more than --max-warnings ${maxWarnings}\n` : '');
  if (format === 'json') io.stdout(renderJson(shown.ok, shown.diagnostics, count));
  else if (format === 'github') {
    io.stdout(renderAnnotations(shown.diagnostics));
    io.stdout(renderText(shown.diagnostics, result.sources, count) + over);
    if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, renderSummary('rollgate validate', shown.diagnostics, count));
  } else io.stdout(renderText(shown.diagnostics, result.sources, count, textStyle(io)) + over);
  return shown.ok ? 0 : 1;
}

/** A FILE argument as the repository-relative path diagnostics carry; one rollgate does not check is a usage error. */
function configPath(io: Io, dir: string, arg: string): string {
  const path = relative(dir, resolve(io.cwd, arg)).split(sep).join('/');
  if (path === '' || path === '..' || path.startsWith('../') || isAbsolute(path)) throw new UsageError(`${arg}: outside the repository ${dir}`);
  if (!statSync(join(dir, path), { throwIfNoEntry: false })?.isFile()) throw new UsageError(`${arg}: no such file`);
  if (!isConfigPath(path)) throw new UsageError(`${arg}: not a file rollgate checks (YAML under rollout/ or alerts/, outside alerts/tests/)`);
  return path;
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--max-warnings must be a whole number ≥ 0, got "${value}"`);
  return Number(value);
}

/** Where check results are cached, unless ROLLGATE_CACHE=off or there is no home to keep them in. */
function cacheOf(env: NodeJS.ProcessEnv): CacheOptions | undefined {
  if (env.ROLLGATE_CACHE === 'off') return undefined;
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  const dir = env.ROLLGATE_CACHE_DIR || (base ? join(base, 'rollgate') : undefined);
  return dir ? { dir, code: codeIdentity() } : undefined;
}

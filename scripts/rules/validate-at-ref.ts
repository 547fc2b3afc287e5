import type { ConfigModel } from '../config/model.ts';
import { lazySourceFile } from '../config/parse.ts';
import { CONFIG_DIRS } from '../config/discover.ts';
import type { Kind, RolloutDocument } from '../config/schema/index.ts';
import type { Git } from '../git/port.ts';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../report/diagnostic.ts';
import { checkFile } from './check-file.ts';
import { REPOSITORY_RULES } from './index.ts';
import { models, type Loaded } from './validate-repository.ts';
import { runRules } from './rule.ts';

export interface RefValidation {
  ok: boolean;
  sha: string;
  diagnostics: Diagnostic[];
  model: ConfigModel;
}

const isConfigFile = (f: string) => /\.ya?ml$/i.test(f) && !f.startsWith('alerts/tests/');

/**
 * The whole config model as it is at `ref`, read from git objects (never a work tree) with
 * the loader `validate` uses: `checkFile` on every file, then the repository rules. This is
 * how the gate and the PR policy read the base branch, and how they read a PR's head
 * without checking it out.
 */
export async function validateAt(git: Git, ref: string): Promise<RefValidation> {
  const sha = await git.resolve(ref);
  if (!sha) throw new RefError(`${ref}: no such ref`);
  const files = (await git.listFiles(sha, CONFIG_DIRS)).filter(isConfigFile).sort();
  const texts = await Promise.all(files.map((f) => git.show(sha, f)));
  const diagnostics: Diagnostic[] = [];
  const documents: Loaded[] = [];
  const incomplete = new Set<Kind | '*'>();
  for (const [i, path] of files.entries()) {
    const text = texts[i];
    if (text === undefined) continue;
    const r = checkFile(path, Buffer.from(text));
    diagnostics.push(...r.diagnostics);
    if (r.kind && r.value !== undefined) documents.push({ kind: r.kind, file: lazySourceFile(path, text), value: r.value, ...(r.ok ? {} : { dropped: r.dropped ?? [] }) });
    else incomplete.add('*');
  }
  const { model, rulesModel } = models(documents, incomplete);
  diagnostics.push(...runRules(rulesModel, REPOSITORY_RULES));
  return { ok: !hasErrors(diagnostics), sha, diagnostics: sortDiagnostics(diagnostics), model };
}

/** A ref that does not exist, or a config at a ref that does not validate. */
export class RefError extends Error {
  override name = 'RefError';
}

/** `validateAt`, refusing a ref whose config has errors: the gate trusts only a valid base. */
export async function validModelAt(git: Git, ref: string): Promise<{ sha: string; model: ConfigModel }> {
  const v = await validateAt(git, ref);
  if (!v.ok) {
    const first = v.diagnostics.find((d) => d.severity === 'error')!;
    throw new RefError(`the config at ${ref} (${v.sha.slice(0, 7)}) is invalid: ${first.file}:${first.line}:${first.col} ${first.code} ${first.message}`);
  }
  return { sha: v.sha, model: v.model };
}

/** One rollout file as it is at `ref`, through the same loader; undefined when absent or not a valid Rollout there. */
export async function rolloutAt(git: Git, ref: string, path: string): Promise<RolloutDocument | undefined> {
  const text = await git.show(ref, path);
  if (text === undefined) return undefined;
  const r = checkFile(path, Buffer.from(text));
  return r.ok && r.kind === 'Rollout' ? (r.value as RolloutDocument) : undefined;
}

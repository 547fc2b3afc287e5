import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverConfig } from '../config/discover.ts';
import { buildModel, type ConfigModel } from '../config/model.ts';
import { lazySourceFile } from '../config/parse.ts';
import { KIND_NAMES, type Kind } from '../config/schema/index.ts';
import type { Path, SourceFile } from '../config/source.ts';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../report/diagnostic.ts';
import { lookupCache, type CacheOptions } from './check-cache.ts';
import { startCheckPool, type PoolOptions } from './check-pool.ts';
import { REPOSITORY_RULES } from './index.ts';
import { applySuppressions } from './suppress.ts';
import { runRules } from './rule.ts';

export interface Validation {
  ok: boolean;
  diagnostics: Diagnostic[];
  files: number;
  model: ConfigModel;
  /** Text of the files with diagnostics, for reporters that show source lines. */
  sources: Map<string, string>;
  /** Warnings silenced in their file by `# rollgate-ignore CODE: REASON`. */
  suppressed?: number;
  /** Files checked afresh: all of them without a cache, the changed ones with it. */
  checked: number;
}

export interface ValidateOptions extends PoolOptions {
  /** Reuse each unchanged file's result from the last run (check-cache.ts); the rules across files always run. */
  cache?: CacheOptions;
}

/**
 * The loader every command shares: find the config files, check each one (YAML, schema,
 * the rules of one document) in parallel, build the model from those that parse, then run
 * the rules across files.
 */
export async function validateRepository(dir: string, options: ValidateOptions = {}): Promise<Validation> {
  const found = await discoverConfig(dir);
  const cache = options.cache ? lookupCache(dir, found.files, options.cache) : undefined;
  const todo = cache ? cache.misses : found.files;
  const fresh = await startCheckPool(options, todo.length).check(dir, todo, cache !== undefined);
  cache?.save(fresh);
  const byFile = new Map(fresh.map((r) => [r.path, r]));
  const results = cache ? found.files.map((path) => cache.hits.get(path) ?? byFile.get(path)!) : fresh;
  const diagnostics: Diagnostic[] = [...found.diagnostics];
  const sources = new Map<string, string>();
  const documents: Loaded[] = [];
  const incomplete = new Set<Kind | '*'>();
  for (const r of results) {
    diagnostics.push(...r.diagnostics);
    if (r.text !== undefined) sources.set(r.path, r.text);
    if (r.kind && r.value !== undefined) documents.push({ kind: r.kind, file: lazySourceFile(r.path, r.text ?? (() => readFileSync(join(dir, r.path), 'utf8'))), value: r.value, ...(r.ok ? {} : { dropped: r.dropped ?? [] }) });
    else if (!r.ok) incomplete.add(kindOfBroken(r.text));
  }
  const { model, rulesModel } = models(documents, incomplete);
  diagnostics.push(...runRules(rulesModel, REPOSITORY_RULES));
  // Source lines for the reporters: only files with diagnostics, and only files rollgate read.
  const byPath = new Map(documents.map((d) => [d.file.path, d.file]));
  for (const d of diagnostics) if (!sources.has(d.file) && byPath.has(d.file)) sources.set(d.file, byPath.get(d.file)!.text);
  const refused = found.diagnostics.filter((d) => d.code.startsWith('file/symlink')).length;
  // In-file suppressions (warnings only, with a reason): read the text of files with warnings.
  const { kept, suppressed } = applySuppressions(diagnostics, (file) => sources.get(file) ?? byPath.get(file)?.text);
  return { ok: !hasErrors(kept), diagnostics: sortDiagnostics(kept), files: found.files.length + refused, model, sources, checked: todo.length, suppressed };
}

/** A document that passed its schema, or what is left of one that did not (`dropped` set). */
export interface Loaded {
  kind: Kind;
  file: SourceFile;
  value: unknown;
  dropped?: Path[];
}

/**
 * Two models of the same documents. The rules read every document, a partial one without its
 * items in error (every error found in one run). Commands read only documents that passed
 * their schema, as before: a partial one counts as a file that failed to load.
 */
export function models(documents: Loaded[], incomplete: Set<Kind | '*'>): { model: ConfigModel; rulesModel: ConfigModel } {
  const partial = documents.filter((d) => d.dropped);
  const rulesModel = buildModel(documents, incomplete);
  if (!partial.length) return { model: rulesModel, rulesModel };
  return { model: buildModel(documents.filter((d) => !d.dropped), [...incomplete, ...partial.map((d) => d.kind)]), rulesModel };
}

/** The kind a file that failed to load meant to be, read off its `kind:` line; '*' when unclear. */
function kindOfBroken(text: string | undefined): Kind | '*' {
  const kinds = new Set(Array.from(text?.matchAll(/^kind:\s*['"]?(\w+)/gm) ?? [], (m) => m[1]));
  const [kind] = kinds;
  return kinds.size === 1 && (KIND_NAMES as string[]).includes(kind) ? (kind as Kind) : '*';
}

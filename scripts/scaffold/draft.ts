import { buildModel, type ConfigModel } from '../config/model.ts';
import { lazySourceFile } from '../config/parse.ts';
import type { Kind } from '../config/schema/index.ts';
import type { Diagnostic } from '../report/diagnostic.ts';
import { checkFile } from '../rules/check-file.ts';
import { REPOSITORY_RULES } from '../rules/index.ts';
import { runRules } from '../rules/rule.ts';

/** A file init or new is about to write, relative to the repository. */
export interface DraftFile {
  path: string;
  text: string;
  /** Written only when no such file exists (package.json, .gitignore): never overwritten, even with --force. */
  ifAbsent?: boolean;
}

type Document = { kind: Kind; file: ReturnType<typeof lazySourceFile>; value: unknown };

/** Config files as validate reads them: YAML under rollout/ and alerts/, alert unit tests aside. */
export const isConfigFile = (path: string) => /^(rollout|alerts)\/.+\.ya?ml$/i.test(path) && !path.startsWith('alerts/tests/');

/** The documents of a model, to stand beside drafts. */
export function documentsOf(model: ConfigModel): Document[] {
  const all: [Kind, { file: Document['file']; doc: unknown }[]][] = [
    ['Rollout', model.rollouts],
    ['Metrics', model.metrics],
    ['Environments', model.environments],
    ['AlertRules', model.alertRules],
    ['Channels', model.channels],
  ];
  return all.flatMap(([kind, list]) => list.map((l) => ({ kind, file: l.file, value: l.doc })));
}

/**
 * The model with the drafts in it, through validate's loader (each file, then the rules across
 * files), and the diagnostics that concern the drafts. Nothing is written: a draft that would
 * not validate is never put on disk.
 */
export function checkDrafts(existing: Document[], drafts: DraftFile[]): { model: ConfigModel; diagnostics: Diagnostic[] } {
  const mine = new Set(drafts.filter((d) => isConfigFile(d.path)).map((d) => d.path));
  const diagnostics: Diagnostic[] = [];
  const documents = existing.filter((d) => !mine.has(d.file.path));
  for (const d of drafts.filter((x) => mine.has(x.path))) {
    const r = checkFile(d.path, Buffer.from(d.text));
    diagnostics.push(...r.diagnostics);
    if (r.ok && r.kind) documents.push({ kind: r.kind, file: lazySourceFile(d.path, d.text), value: r.value });
  }
  const model = buildModel(documents);
  diagnostics.push(...runRules(model, REPOSITORY_RULES).filter((x) => mine.has(x.file)));
  return { model, diagnostics };
}

import { isDeepStrictEqual } from 'node:util';
import type { ConfigModel, Located } from '../config/model.ts';
import type { Path, SourceFile } from '../config/source.ts';
import type { RolloutDocument } from '../config/schema/index.ts';

export type ChangeKind = 'new-rollout' | 'removed-rollout' | 'advance' | 'rollback' | 'gate-edit' | 'stage-list-edit' | 'alert-edit';

/** One thing a PR changes, with where it is written in the head version. */
export interface Change {
  kind: ChangeKind;
  rollout: string;
  env?: string;
  from?: string;
  to?: string;
  /** For gate edits: the stage the gate guards. For stage edits: the stage. */
  stage?: string;
  detail: string;
  file?: SourceFile;
  path?: Path;
}

/** Everything a PR changes per rollout and environment: plain data for the policy rules. */
export interface ChangeSet {
  base: ConfigModel;
  head: ConfigModel;
  changes: Change[];
}

export function changeSet(base: ConfigModel, head: ConfigModel): ChangeSet {
  const changes: Change[] = [];
  for (const [name, h] of head.rolloutByName) {
    const b = base.rolloutByName.get(name);
    if (!b) {
      changes.push({ kind: 'new-rollout', rollout: name, detail: `new rollout ${name}`, file: h.file, path: ['metadata', 'name'] });
      continue;
    }
    changes.push(...rolloutChanges(name, b.doc, h));
  }
  for (const [name, b] of base.rolloutByName) {
    if (!head.rolloutByName.has(name)) changes.push({ kind: 'removed-rollout', rollout: name, detail: `rollout ${name} removed (its flag stays in the store, unmanaged)`, file: b.file });
  }
  const alertsOf = (m: ConfigModel) => new Map(m.alertRules.map((a) => [a.doc.metadata.name, a]));
  const [ba, ha] = [alertsOf(base), alertsOf(head)];
  for (const [name, h] of ha) {
    const b = ba.get(name);
    if (!b || !isDeepStrictEqual(b.doc, h.doc)) changes.push({ kind: 'alert-edit', rollout: h.doc.spec.rollout ?? name, detail: b ? `alert rules ${name} changed` : `alert rules ${name} added`, file: h.file, path: ['spec', 'rules'] });
  }
  for (const [name, b] of ba) if (!ha.has(name)) changes.push({ kind: 'alert-edit', rollout: b.doc.spec.rollout ?? name, detail: `alert rules ${name} removed` });
  return { base, head, changes };
}

function rolloutChanges(name: string, base: RolloutDocument, head: Located<RolloutDocument>): Change[] {
  const out: Change[] = [];
  const h = head.doc;
  const names = h.spec.stages.map((s) => s.name);
  for (const [env, { stage }] of Object.entries(h.spec.environments)) {
    const was = base.spec.environments[env]?.stage;
    if (was === undefined || was === stage) continue;
    const [i, j] = [names.indexOf(was), names.indexOf(stage)];
    const kind = j > i ? 'advance' : 'rollback';
    out.push({ kind, rollout: name, env, from: was, to: stage, detail: `${env}: ${was} → ${stage}`, file: head.file, path: ['spec', 'environments', env, 'stage'] });
  }
  const stages = new Set([...Object.keys(base.spec.gates ?? {}), ...Object.keys(h.spec.gates ?? {})]);
  for (const stage of stages) {
    if (!isDeepStrictEqual(base.spec.gates?.[stage], h.spec.gates?.[stage])) {
      out.push({ kind: 'gate-edit', rollout: name, stage, detail: `gate into ${stage} changed`, file: head.file, path: h.spec.gates?.[stage] ? ['spec', 'gates', stage] : ['spec', 'gates'] });
    }
  }
  const baseStages = new Map(base.spec.stages.map((s) => [s.name, s]));
  h.spec.stages.forEach((s, i) => {
    const b = baseStages.get(s.name);
    if (!b) out.push({ kind: 'stage-list-edit', rollout: name, stage: s.name, detail: `stage ${s.name} added`, file: head.file, path: ['spec', 'stages', i] });
    else if (!isDeepStrictEqual(b, s)) out.push({ kind: 'stage-list-edit', rollout: name, stage: s.name, detail: `stage ${s.name} changed${b.percentage !== s.percentage ? ` (${b.percentage} % → ${s.percentage} %)` : ''}`, file: head.file, path: b.percentage !== s.percentage ? ['spec', 'stages', i, 'percentage'] : ['spec', 'stages', i] });
  });
  for (const b of base.spec.stages) if (!h.spec.stages.some((s) => s.name === b.name)) out.push({ kind: 'stage-list-edit', rollout: name, stage: b.name, detail: `stage ${b.name} removed`, file: head.file, path: ['spec', 'stages'] });
  if (!isDeepStrictEqual(base.spec.stages.map((s) => s.name), names) && out.every((c) => c.kind !== 'stage-list-edit')) {
    out.push({ kind: 'stage-list-edit', rollout: name, detail: 'stages reordered', file: head.file, path: ['spec', 'stages'] });
  }
  return out;
}

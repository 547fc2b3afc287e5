import type { Located } from '../config/model.ts';
import type { Path, SourceFile } from '../config/source.ts';
import type { AlertRulesDocument, Criterion, RolloutDocument } from '../config/schema/index.ts';

/** A comparison with a metric: a gate criterion, a rollback-matrix condition or an alert condition. */
export interface Comparison {
  file: SourceFile;
  path: Path;
  where: 'gate' | 'rollback' | 'alert';
  value: Pick<Criterion, 'metric' | 'op' | 'value' | 'between' | 'outside' | 'vsBaseline' | 'window'> & { check?: string; expr?: string };
  rollout?: Located<RolloutDocument>;
}

/** Every criterion of a rollout's gates and rollback matrix, with its path. */
export function rolloutCriteria(rollout: Located<RolloutDocument>): Comparison[] {
  const { file, doc } = rollout;
  const out: Comparison[] = [];
  // Gates as written: an inherited criterion is checked once, where its shared gate says it.
  const written = [
    ...Object.entries(doc.spec.sharedGates ?? {}).map(([name, gate]) => ({ base: ['spec', 'sharedGates', name], gate })),
    ...Object.entries(doc.spec.writtenGates ?? doc.spec.gates ?? {}).map(([stage, gate]) => ({ base: ['spec', 'gates', stage], gate })),
  ];
  for (const { base, gate } of written) {
    (gate.mustPass ?? []).forEach((c, i) => out.push({ file, path: [...base, 'mustPass', i], where: 'gate', value: c, rollout }));
    (gate.shouldPass?.criteria ?? []).forEach((c, i) => out.push({ file, path: [...base, 'shouldPass', 'criteria', i], where: 'gate', value: c, rollout }));
    (gate.blockers ?? []).forEach((c, i) => out.push({ file, path: [...base, 'blockers', i], where: 'gate', value: c, rollout }));
  }
  (doc.spec.rollback ?? []).forEach((row, r) => {
    for (const group of ['any', 'all'] as const) {
      (row.when[group] ?? []).forEach((c, i) => out.push({ file, path: ['spec', 'rollback', r, 'when', group, i], where: 'rollback', value: c, rollout }));
    }
  });
  return out;
}

/** Every alert rule's condition, with its path. */
export function alertConditions(alerts: Located<AlertRulesDocument>): Comparison[] {
  return alerts.doc.spec.rules.map((rule, i) => ({ file: alerts.file, path: ['spec', 'rules', i, 'when'], where: 'alert', value: rule.when }));
}

type Walkable = { rollouts: Located<RolloutDocument>[]; alertRules: Located<AlertRulesDocument>[] };
const cache = new WeakMap<Walkable, Comparison[]>();

/** Gate, rollback and alert comparisons of the whole model (computed once per model). */
export function allComparisons(model: Walkable): Comparison[] {
  let all = cache.get(model);
  if (!all) {
    all = [...model.rollouts.flatMap(rolloutCriteria), ...model.alertRules.flatMap(alertConditions)];
    cache.set(model, all);
  }
  return all;
}

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
export function* rolloutCriteria(rollout: Located<RolloutDocument>): Generator<Comparison> {
  const { file, doc } = rollout;
  for (const [stage, gate] of Object.entries(doc.spec.gates ?? {})) {
    const base = ['spec', 'gates', stage];
    for (const [i, c] of (gate.mustPass ?? []).entries()) yield { file, path: [...base, 'mustPass', i], where: 'gate', value: c, rollout };
    for (const [i, c] of (gate.shouldPass?.criteria ?? []).entries()) yield { file, path: [...base, 'shouldPass', 'criteria', i], where: 'gate', value: c, rollout };
    for (const [i, c] of (gate.blockers ?? []).entries()) yield { file, path: [...base, 'blockers', i], where: 'gate', value: c, rollout };
  }
  for (const [r, row] of (doc.spec.rollback ?? []).entries()) {
    for (const group of ['any', 'all'] as const) {
      for (const [i, c] of (row.when[group] ?? []).entries()) yield { file, path: ['spec', 'rollback', r, 'when', group, i], where: 'rollback', value: c, rollout };
    }
  }
}

/** Every alert rule's condition, with its path. */
export function* alertConditions(alerts: Located<AlertRulesDocument>): Generator<Comparison> {
  for (const [i, rule] of alerts.doc.spec.rules.entries()) yield { file: alerts.file, path: ['spec', 'rules', i, 'when'], where: 'alert', value: rule.when };
}

/** Gate, rollback and alert comparisons of the whole model. */
export function* allComparisons(model: { rollouts: Located<RolloutDocument>[]; alertRules: Located<AlertRulesDocument>[] }): Generator<Comparison> {
  for (const rollout of model.rollouts) yield* rolloutCriteria(rollout);
  for (const alerts of model.alertRules) yield* alertConditions(alerts);
}

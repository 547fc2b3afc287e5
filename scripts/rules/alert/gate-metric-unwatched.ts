import { BUILTIN_METRICS } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const gateMetricUnwatched: Rule = {
  code: 'alert/gate-metric-unwatched',
  severity: 'warning',
  scope: 'repository',
  description: "Every metric a rollout's gates measure has at least one alert on it in that rollout's alert files",
  check({ model, report }) {
    // Indexed once: a lookup per rollout would be quadratic in a repository of thousands.
    const watchedBy = new Map<string, Set<string | undefined>>();
    for (const a of model.alertRules) {
      if (!a.doc.spec.rollout) continue;
      const set = watchedBy.get(a.doc.spec.rollout) ?? new Set();
      for (const r of a.doc.spec.rules) set.add(r.when.metric);
      watchedBy.set(a.doc.spec.rollout, set);
    }
    for (const { file, doc } of model.rollouts) {
      const watched = watchedBy.get(doc.metadata.name) ?? new Set();
      const reported = new Set<string>();
      for (const [stage, gate] of Object.entries(doc.spec.gates ?? {})) {
        const groups = [['mustPass', gate.mustPass ?? []], ['shouldPass', gate.shouldPass?.criteria ?? []], ['blockers', gate.blockers ?? []]] as const;
        for (const [group, list] of groups) {
          list.forEach((c, i) => {
            const m = c.metric;
            if (!m || (BUILTIN_METRICS as readonly string[]).includes(m) || watched.has(m) || reported.has(m)) return;
            reported.add(m);
            const path = group === 'shouldPass' ? ['spec', 'gates', stage, 'shouldPass', 'criteria', i, 'metric'] : ['spec', 'gates', stage, group, i, 'metric'];
            report({ file, path, message: `gate metric "${m}" has no alert: nothing watches it between gates`, hint: `add a rule with when.metric: ${m} to alerts/${doc.metadata.name}.yaml` });
          });
        }
      }
    }
  },
};

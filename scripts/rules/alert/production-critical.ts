import { isComplete, isWhole } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const productionCritical: Rule = {
  code: 'alert/production-critical',
  severity: 'warning',
  scope: 'repository',
  description: 'Every rollout live in production (serving or shadowing there) has at least one CRITICAL alert',
  check({ model, report }) {
    const order = model.environments[0]?.doc.spec.promotionOrder ?? [];
    const production = order.at(-1);
    if (!production || !isComplete(model, 'AlertRules')) return; // an alert file that failed to load may hold it
    // An alert file that lost a rule to a schema error: that rule may be its CRITICAL one.
    const partlyLoaded = new Set(model.alertRules.filter((a) => !isWhole(a, 'spec', 'rules')).map((a) => a.doc.spec.rollout));
    const withCritical = new Set(model.alertRules.filter((a) => a.doc.spec.rules.some((r) => r.severity === 'CRITICAL' && (!r.environments || r.environments.includes(production)))).map((a) => a.doc.spec.rollout));
    for (const { file, doc } of model.rollouts) {
      const stage = doc.spec.stages.find((s) => s.name === doc.spec.environments[production]?.stage);
      if (!stage || (stage.percentage === 0 && !stage.shadow)) continue;
      if (!withCritical.has(doc.metadata.name) && !partlyLoaded.has(doc.metadata.name)) report({ file, path: ['spec', 'environments', production, 'stage'], message: `${doc.metadata.name} is live in ${production} (${stage.name}, ${stage.percentage} %${stage.shadow ? ', shadow' : ''}) with no CRITICAL alert`, hint: `add a CRITICAL rule (with onFire.rollback) to alerts/${doc.metadata.name}.yaml` });
    }
  },
};

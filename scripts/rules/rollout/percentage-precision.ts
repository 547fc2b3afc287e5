import type { Rule } from '../rule.ts';

/** A flagd file splits users in thousandths of a percent (integer `fractional` weights out of 100,000). */
const FLAGD_STEPS = 1000;

const isMultiple = (value: number, steps: number) => Math.abs(value * steps - Math.round(value * steps)) < 1e-6;

export const percentagePrecision: Rule = {
  code: 'rollout/percentage-precision',
  severity: 'error',
  scope: 'repository',
  description: 'Every stage percentage is one each store the rollout is synced to can hold exactly: whole percents where an environment uses Unleash, at most 3 decimals in a flagd file',
  check({ model, report }) {
    const stores = model.environments[0]?.doc.spec.environments ?? {};
    for (const { file, doc } of model.rollouts) {
      const unleash = Object.keys(doc.spec.environments).filter((env) => Object.hasOwn(stores, env) && stores[env].store.type === 'unleash');
      doc.spec.stages.forEach((stage, i) => {
        const p = stage.percentage;
        const path = ['spec', 'stages', i, 'percentage'];
        if (unleash.length && !Number.isInteger(p)) {
          const [low, high] = [Math.floor(p), Math.ceil(p)];
          report({ file, path, message: `stage "${stage.name}" serves ${p} %, but ${unleash.join(' and ')} keep${unleash.length === 1 ? 's' : ''} flags in Unleash, whose flexibleRollout takes whole percents`, hint: `use ${low} or ${high}` });
        } else if (!isMultiple(p, FLAGD_STEPS)) {
          report({ file, path, message: `stage "${stage.name}" serves ${p} %, finer than a flagd file splits users (thousandths of a percent)`, hint: `use ${Math.round(p * FLAGD_STEPS) / FLAGD_STEPS}` });
        }
      });
    }
  },
};

import { SHADOW_SUFFIX } from '../../sync/desired.ts';
import type { Rule } from '../rule.ts';

export const reservedFlagKey: Rule = {
  code: 'rollout/reserved-flag-key',
  severity: 'error',
  scope: 'repository',
  description: `A rollout's flag key is none of the keys rollgate derives: no key ends in "${SHADOW_SUFFIX}" (the companion flag of a rollout with a shadow stage), and none is an Unleash environment's state feature`,
  check({ model, report }) {
    const owners = new Map(model.rollouts.filter(({ doc }) => doc.spec.stages.some((s) => s.shadow)).map(({ file, doc }) => [doc.spec.flag + SHADOW_SUFFIX, `${doc.metadata.name} (${file.path})`]));
    const stateFeatures = new Map<string, string>();
    for (const [env, settings] of Object.entries(model.environments[0]?.doc.spec.environments ?? {})) {
      const { type, stateFeature, environment } = settings.store;
      if (type === 'unleash' && environment) stateFeatures.set(stateFeature ?? `rollgate.applied-sha.${environment}`, env);
    }
    for (const { file, doc } of model.rollouts) {
      const flag = doc.spec.flag;
      const suggestion = flag.endsWith(SHADOW_SUFFIX) ? `${flag.slice(0, -SHADOW_SUFFIX.length)}-shadow` : `${flag}-flag`;
      if (flag.endsWith(SHADOW_SUFFIX)) {
        const owner = owners.get(flag);
        report({
          file,
          path: ['spec', 'flag'],
          message: `flag "${flag}" ends in "${SHADOW_SUFFIX}", the suffix of the companion flags rollgate derives${owner ? `: it is the shadow flag of rollout ${owner}, which the sync writes` : ''}`,
          hint: `rename the flag, e.g. ${suggestion}`,
        });
      } else if (stateFeatures.has(flag)) {
        report({ file, path: ['spec', 'flag'], message: `flag "${flag}" is the Unleash feature where rollgate records the sync state of ${stateFeatures.get(flag)}`, hint: `rename the flag, e.g. ${suggestion}, or set another stateFeature` });
      }
    }
  },
};

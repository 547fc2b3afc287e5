import type { Rule } from '../rule.ts';

export const rolloutPromotionOrder: Rule = {
  code: 'rollout/promotion-order',
  severity: 'error',
  scope: 'repository',
  description: 'A later environment (production) is never at a later stage than an earlier one (staging)',
  check({ model, report }) {
    const order = model.environments[0]?.doc.spec.promotionOrder ?? [];
    for (const { file, doc } of model.rollouts) {
      const index = (env: string) => doc.spec.stages.findIndex((s) => s.name === doc.spec.environments[env]?.stage);
      for (let i = 1; i < order.length; i++) {
        const later = order[i];
        if (!doc.spec.environments[later] || index(later) < 0) continue;
        for (let j = 0; j < i; j++) {
          const earlier = order[j];
          if (!doc.spec.environments[earlier] || index(earlier) < 0) continue;
          if (index(later) > index(earlier)) {
            report({
              file,
              path: ['spec', 'environments', later, 'stage'],
              message: `"${later}" is at stage "${doc.spec.environments[later].stage}", ahead of "${earlier}" at "${doc.spec.environments[earlier].stage}"`,
              hint: `advance ${earlier} first; the promotion order is ${order.join(' → ')}`,
            });
          }
        }
      }
    }
  },
};

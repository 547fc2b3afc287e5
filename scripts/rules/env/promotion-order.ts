import { suggestion } from '../../config/did-you-mean.ts';
import type { Rule } from '../rule.ts';

export const promotionOrder: Rule = {
  code: 'env/promotion-order',
  severity: 'error',
  scope: 'file',
  description: 'promotionOrder lists every environment exactly once',
  check({ model, report }) {
    for (const { file, doc, dropped } of model.environments) {
      const declared = Object.keys(doc.spec.environments);
      // An environment whose settings failed their schema is declared all the same.
      const failed = new Set((dropped ?? []).filter((p) => p[1] === 'environments').map((p) => String(p[2])));
      const seen = new Set<string>();
      doc.spec.promotionOrder.forEach((env, i) => {
        if (!declared.includes(env) && !failed.has(env)) report({ file, path: ['spec', 'promotionOrder', i], message: `unknown environment "${env}" in promotionOrder`, hint: suggestion(env, declared) || `environments: ${declared.join(', ')}` });
        else if (seen.has(env)) report({ file, path: ['spec', 'promotionOrder', i], message: `"${env}" is listed twice`, hint: 'list each environment once' });
        seen.add(env);
      });
      for (const env of declared) {
        if (!seen.has(env)) report({ file, path: ['spec', 'environments', env], at: 'key', message: `environment "${env}" is missing from promotionOrder`, hint: 'add it where it belongs in the order' });
      }
    }
  },
};

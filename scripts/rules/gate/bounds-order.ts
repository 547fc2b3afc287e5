import type { Rule } from '../rule.ts';
import { allComparisons } from '../walk.ts';

export const boundsOrder: Rule = {
  code: 'gate/bounds-order',
  severity: 'error',
  scope: 'file',
  description: 'between and outside give [low, high] with low < high',
  check({ model, report }) {
    for (const c of allComparisons(model)) {
      for (const key of ['between', 'outside'] as const) {
        const range = c.value[key];
        if (range && !(range[0] < range[1])) {
          report({ file: c.file, path: [...c.path, key], message: `${key} [${range[0]}, ${range[1]}]: the low bound must be below the high bound`, hint: `write [${Math.min(...range)}, ${Math.max(...range)}]` });
        }
      }
    }
  },
};

import { KINDS } from '../../config/schema/index.ts';
import type { Rule } from '../rule.ts';

export const schemaComment: Rule = {
  code: 'file/schema-comment',
  severity: 'warning',
  scope: 'file',
  description: 'Each file starts with a yaml-language-server $schema line naming its kind\'s schema, so editors check it',
  check({ model, report }) {
    const all = [...model.rollouts, ...model.metrics, ...model.environments, ...model.alertRules, ...model.channels];
    for (const { file, doc } of all) {
      const expected = KINDS[doc.kind as keyof typeof KINDS].file;
      const first = file.text.split('\n', 1)[0];
      const match = first.match(/^#\s*yaml-language-server:\s*\$schema=(\S+)/);
      if (!match || !match[1].endsWith(expected)) {
        const depth = file.path.split('/').length - 1;
        report({ file, path: [], position: { line: 1, col: 1 }, message: match ? `the $schema line names ${match[1]}, not ${expected}` : 'no "# yaml-language-server: $schema=" first line', hint: `start the file with: # yaml-language-server: $schema=${'../'.repeat(depth)}schemas/${expected}` });
      }
    }
  },
};

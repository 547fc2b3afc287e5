import type { Rule } from '../rule.ts';

export const singletons: Rule = {
  code: 'repo/singleton',
  severity: 'error',
  scope: 'repository',
  description: 'There is one Environments and one Channels document',
  check({ model, report }) {
    for (const list of [model.environments, model.channels]) {
      for (const extra of list.slice(1)) {
        report({ file: extra.file, path: ['kind'], message: `a second ${extra.doc.kind} document (the first is ${list[0].file.path})`, hint: 'merge them into one file' });
      }
    }
  },
};

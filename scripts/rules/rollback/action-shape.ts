import type { Rule } from '../rule.ts';

export const rollbackActionShape: Rule = {
  code: 'rollback/action-shape',
  severity: 'error',
  scope: 'file',
  description: 'A rollback row moves to a stage (to) and has a condition; monitor and investigate rows move nowhere',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts) {
      (doc.spec.rollback ?? []).forEach((row, r) => {
        const path = ['spec', 'rollback', r];
        if (row.action === 'rollback' && row.to === undefined) report({ file, path: [...path, 'action'], message: 'action rollback needs `to`: the stage to go back to', hint: 'add to: STAGE' });
        if (row.action !== 'rollback' && row.to !== undefined) report({ file, path: [...path, 'to'], message: `action ${row.action} moves nowhere; \`to\` is only for rollback`, hint: 'remove to, or set action: rollback' });
        if (!row.when.any?.length && !row.when.all?.length) report({ file, path: [...path, 'when'], message: 'the row has no condition', hint: 'list criteria under when.any or when.all' });
      });
    }
  },
};

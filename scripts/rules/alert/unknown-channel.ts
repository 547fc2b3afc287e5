import { suggestion } from '../../config/did-you-mean.ts';
import { isComplete } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const unknownChannel: Rule = {
  code: 'alert/unknown-channel',
  severity: 'error',
  scope: 'repository',
  description: 'Alerts notify channels declared in channels.yaml',
  check({ model, report }) {
    if (!isComplete(model, 'Channels')) return;
    const names = [...model.channelCatalog.keys()];
    for (const { file, doc } of model.alertRules) {
      doc.spec.rules.forEach((rule, i) => {
        rule.notify.forEach((channel, j) => {
          if (!model.channelCatalog.has(channel)) report({ file, path: ['spec', 'rules', i, 'notify', j], message: `unknown channel "${channel}"`, hint: suggestion(channel, names) || 'declare it in alerts/channels.yaml' });
        });
      });
    }
  },
};

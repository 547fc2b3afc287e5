import type { Channel } from '../../config/schema/index.ts';
import { isComplete } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

/** pagerduty pages unless told otherwise; other channels page only when marked. */
export const pages = (channel: Channel) => channel.pages ?? channel.type === 'pagerduty';

export const pagingRequired: Rule = {
  code: 'alert/paging-required',
  severity: 'error',
  scope: 'repository',
  description: 'CRITICAL and HIGH alerts notify at least one paging channel',
  check({ model, report }) {
    if (!isComplete(model, 'Channels')) return;
    for (const { file, doc } of model.alertRules) {
      doc.spec.rules.forEach((rule, i) => {
        if (rule.severity !== 'CRITICAL' && rule.severity !== 'HIGH') return;
        const known = rule.notify.map((n) => model.channelCatalog.get(n)?.channel).filter((c) => c !== undefined);
        if (known.length < rule.notify.length) return; // alert/unknown-channel reports it
        if (!known.some(pages)) {
          report({ file, path: ['spec', 'rules', i, 'notify'], message: `${rule.severity} alert "${rule.name}" reaches no paging channel`, hint: 'add a pagerduty channel, or mark an on-call channel with pages: true in channels.yaml' });
        }
      });
    }
  },
};

import { positionInString } from '../../config/scalar-position.ts';
import type { Path } from '../../config/source.ts';
import { promqlNoDataFallbacks } from '../../metrics/promql-no-data.ts';
import { renderTemplate, SAMPLE_VALUES } from '../../metrics/template.ts';
import type { Rule } from '../rule.ts';
import { allComparisons, type Comparison } from '../walk.ts';

export const noDataAsZero: Rule = {
  code: 'metrics/no-data-as-zero',
  severity: 'error',
  scope: 'repository',
  description: 'A metric that gates or the rollback matrix use does not turn no data into a number (or vector(0), or 0, absent()) unless it declares samples or is a ratio',
  check({ model, report }) {
    const users = new Map<string, Comparison[]>();
    for (const c of allComparisons(model)) {
      if (c.where === 'alert' || c.value.metric === undefined) continue;
      const list = users.get(c.value.metric);
      if (list) list.push(c);
      else users.set(c.value.metric, [c]);
    }
    for (const [name, used] of users) {
      const entry = model.metricCatalog.get(name);
      // samples or a ratio's denominator count what the value rests on: zero of them is no data, whatever the value says
      if (!entry || entry.metric.query === undefined || entry.metric.samples !== undefined || entry.metric.ratio) continue;
      const rendered = renderTemplate(entry.metric.query, SAMPLE_VALUES);
      if (rendered.unknown.length) continue; // metrics/query-syntax
      const path = ['spec', 'metrics', name, 'query'];
      const first = used[0];
      const others = used.length > 1 ? ` and ${used.length - 1} more` : '';
      for (const fallback of promqlNoDataFallbacks(rendered.text)) {
        report({
          file: entry.file,
          path,
          position: positionInString(entry.file, path, rendered.sourceOffset(fallback.offset)),
          message: `"${name}" turns no data into a number (${fallback.shown}), so a gate cannot tell an idle flag from a healthy one; used by ${where(first)}${others}`,
          hint: 'add samples: a count query of what the value rests on in {{window}} (e.g. requests), so no traffic is INCONCLUSIVE; or drop the fallback and let no data be no data',
        });
      }
    }
  },
};

/** `rollout "checkout", gates.full.mustPass[0]` */
function where(c: Comparison): string {
  const path = c.path.slice(1).reduce<string>((s, p: Path[number]) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
  return `rollout "${c.rollout?.doc.metadata.name ?? c.file.path}", ${path}`;
}

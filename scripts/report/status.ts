import type { OrphanRow, StatusRow } from '../commands/status.ts';
import { stageChart } from './mermaid.ts';
import type { Timeline } from './timeline.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/**
 * `status --format markdown`: a table of every rollout and environment (for a step summary or
 * a PR comment), then per rollout a Mermaid chart of each environment's stage over time.
 */
export function renderStatusMarkdown(rows: StatusRow[], orphans: OrphanRow[], timelines: Map<string, Timeline>, now: string): string {
  let out = '### Rollouts\n\n| rollout | env | stage | % | since | bake left | store | drift | next |\n|---|---|---|---|---|---|---|---|---|\n';
  for (const r of rows) {
    const next = r.next ? `${r.next.stage} ${r.next.readyAt === null ? `waits for ${r.next.waitsFor.join(', ')}` : Date.parse(r.next.readyAt) <= Date.parse(now) ? 'ready now' : `from ${r.next.readyAt}`}` : '—';
    const store = r.store ? `${r.store.percentage} % ${r.store.enabled ? 'on' : 'off'}` : 'missing';
    out += `| ${cell(r.rollout)} | ${cell(r.env)} | ${cell(r.stage)} | ${r.percentage} | ${r.since ? `${r.since}${r.sinceCommit ? ` (${code(r.sinceCommit.slice(0, 7))})` : ''}` : 'not committed'} | ${r.bakeLeft ?? '—'} | ${store} | ${r.drift ? '⚠️ drift' : '—'} | ${cell(next)} |\n`;
  }
  if (orphans.length) {
    out += '\n#### Orphans (the next sync turns them off)\n\n| env | flag | store |\n|---|---|---|\n';
    for (const o of orphans) out += `| ${cell(o.env)} | ${cell(o.flag)} | ${o.store ? `${o.store.percentage} % ${o.store.enabled ? 'on' : 'off'}` : 'missing'} |\n`;
  }
  const shown = new Set(rows.map((r) => `${r.rollout}\u0000${r.env}`));
  for (const [rollout, timeline] of timelines) {
    const charts = Object.entries(timeline)
      .filter(([env]) => shown.has(`${rollout}\u0000${env}`))
      .map(([env, points]) => stageChart(rollout, env, points, now))
      .filter((x): x is string => x !== undefined);
    if (charts.length) out += `\n#### ${cell(rollout)}: stage over time\n\n${charts.join('\n')}`;
  }
  return out;
}

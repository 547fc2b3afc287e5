import type { GateReport } from '../../gates/report.ts';
import { value } from '../gate.ts';
import { escapeHtml as h, jsonForScript } from './escape.ts';
import type { SiteData, SiteRollout, SiteVerdict } from './site-data.ts';

/** The files the page loads, all beside index.html: nothing is fetched from elsewhere at view time. */
export const ASSETS = { chart: 'chart.umd.min.js', script: 'report.js', style: 'report.css' } as const;

/** What the page script draws: one overview bar chart and a timeline per rollout. */
interface ChartData {
  overview: { labels: string[]; datasets: { label: string; data: (number | null)[] }[] };
  timelines: { canvas: string; rollout: string; now: number; datasets: { label: string; points: { x: number; y: number; stage: string; sha: string }[] }[] }[];
}

/** The data the charts need, by canvas id (ids are indices: no config text in an attribute). */
function chartData(site: SiteData): ChartData {
  const envs = [...new Set([...site.promotionOrder, ...site.rollouts.flatMap((r) => r.environments.map((e) => e.env))])];
  const now = Date.parse(site.generatedAt);
  return {
    overview: {
      labels: site.rollouts.map((r) => r.name),
      datasets: envs.map((env) => ({ label: env, data: site.rollouts.map((r) => r.environments.find((e) => e.env === env)?.percentage ?? null) })),
    },
    timelines: site.rollouts.map((r, i) => ({
      canvas: `timeline-${i}`,
      rollout: r.name,
      now,
      datasets: Object.entries(r.timeline).map(([env, points]) => ({
        label: env,
        points: points.filter((p) => p.percentage !== null).map((p) => ({ x: Date.parse(p.date), y: p.percentage!, stage: p.stage, sha: p.sha.slice(0, 7) })),
      })),
    })),
  };
}

const short = (sha: string) => `<code>${h(sha.slice(0, 7))}</code>`;
/** A git or ISO date as one reader's form: UTC to the minute. */
const time = (iso: string) => {
  const ms = Date.parse(iso);
  return `<time datetime="${h(iso)}">${h(Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`)}</time>`;
};
const DECISION_CLASS: Record<GateReport['decision'], string> = { GO: 'go', 'NO-GO': 'nogo', CONDITIONAL: 'conditional', INCONCLUSIVE: 'inconclusive' };

function environmentsTable(r: SiteRollout): string {
  const rows = r.environments.map(
    (e) =>
      `<tr><td>${h(e.env)}</td><td>${h(e.stage)}</td><td class="num">${e.percentage} %</td><td>${e.since ? `${time(e.since.date)} ${short(e.since.sha)} ${h(e.since.subject)}` : 'not committed yet'}</td></tr>`,
  );
  return `<table class="envs"><thead><tr><th>environment</th><th>stage</th><th>%</th><th>since</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function verdict(v: SiteVerdict): string {
  if (!v.report) return `<div class="verdict"><h4>${h(v.env)}</h4><p class="note">not evaluated: ${h(v.error ?? 'unknown reason')}</p></div>`;
  const r = v.report;
  const criteria = [...r.mustPass, ...r.shouldPass.criteria, ...r.blockers];
  const rows = criteria.map(
    (c) =>
      `<tr class="${c.result.toLowerCase()}"><td>${h(c.group)}</td><td>${h(c.name)}</td><td>${h(value(c))}</td><td>${h(c.threshold)}${c.for ? ` for ${h(c.for)}` : ''}</td><td>${h(c.result)}</td><td>${h(c.why)}</td></tr>`,
  );
  return [
    `<div class="verdict"><h4>${h(v.env)}: <span class="decision ${DECISION_CLASS[r.decision]}">${h(r.decision)}</span> ${h(r.from.stage)} (${r.from.percentage} %) → ${h(r.to.stage)} (${r.to.percentage} %)</h4>`,
    r.reasons.length ? `<ul>${r.reasons.map((x) => `<li>${h(x)}</li>`).join('')}</ul>` : '',
    rows.length ? `<table class="criteria"><thead><tr><th>group</th><th>criterion</th><th>measured</th><th>threshold</th><th>result</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '',
    `<p class="note">metrics from ${h(r.provider)} · gate from ${h(r.gateFrom)} · evaluated ${time(r.evaluatedAt)}</p></div>`,
  ].join('');
}

function rollbacks(r: SiteRollout): string {
  if (!r.rollbacks.length) return '<p class="note">No rollback in this rollout\'s history.</p>';
  const rows = r.rollbacks.map(
    (b) =>
      `<tr><td>${time(b.date)}</td><td>${h(b.env)}</td><td>${h(b.from)} → ${h(b.to)}</td><td>${h(b.reason ?? '—')}</td><td>${b.alertKey ? `<code>${h(b.alertKey)}</code>` : '—'}</td><td>${short(b.sha)} ${h(b.subject)}</td><td>${h(b.author)}</td></tr>`,
  );
  return `<table class="rollbacks"><thead><tr><th>when</th><th>environment</th><th>move</th><th>reason</th><th>alert</th><th>commit</th><th>author</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function rolloutSection(r: SiteRollout, i: number, site: SiteData): string {
  return [
    `<section class="rollout" id="rollout-${i}">`,
    `<h2>${h(r.name)}</h2>`,
    `<p class="meta">flag <code>${h(r.flag)}</code> · <code>${h(r.file)}</code> · stages ${r.stages.map((s) => `${h(s.name)} ${s.percentage} %`).join(' → ')}</p>`,
    r.description ? `<p class="description">${h(r.description)}</p>` : '',
    environmentsTable(r),
    `<h3>Stage over time</h3><div class="chart"><canvas id="timeline-${i}" role="img" aria-label="${h(`${r.name}: stage percentage over time per environment`)}"></canvas></div>`,
    '<h3>Gate into the next stage</h3>',
    site.gates.evaluated ? (r.verdicts.length ? r.verdicts.map(verdict).join('') : '<p class="note">Every environment is at the last stage: no gate ahead.</p>') : `<p class="note">${h(site.gates.note)}</p>`,
    '<h3>Rollbacks</h3>',
    rollbacks(r),
    '</section>',
  ].join('\n');
}

/** index.html: every text escaped; the charts' data as JSON the page script reads; no inline script. */
export function renderIndex(site: SiteData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:">
<title>rollgate report</title>
<link rel="stylesheet" href="${ASSETS.style}">
</head>
<body>
<header>
<h1>rollgate report</h1>
<p class="meta">${site.rollouts.length} rollout${site.rollouts.length === 1 ? '' : 's'} · made ${time(site.generatedAt)} from ${short(site.head)} · gates: ${h(site.gates.note)}</p>
<nav>${site.rollouts.map((r, i) => `<a href="#rollout-${i}">${h(r.name)}</a>`).join(' ')}</nav>
</header>
<main>
<section class="overview">
<h2>Current stage per environment</h2>
<div class="chart"><canvas id="overview" role="img" aria-label="current percentage of every rollout per environment"></canvas></div>
</section>
${site.rollouts.map((r, i) => rolloutSection(r, i, site)).join('\n')}
</main>
<script type="application/json" id="rollgate-data">${jsonForScript(chartData(site))}</script>
<script src="${ASSETS.chart}"></script>
<script src="${ASSETS.script}"></script>
</body>
</html>
`;
}

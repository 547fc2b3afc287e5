// Mermaid charts for markdown that GitHub renders (PR comments, step summaries, status --format
// markdown). Only `xychart-beta`, the one Mermaid chart with numeric axes; every label passes
// through `label` so a rollout's text can neither end the code fence nor the quoted string.
import type { CriterionReport } from '../gates/report.ts';
import type { StagePoint } from './timeline.ts';

/** Text safe inside a quoted Mermaid string in a fenced block: no quotes, backticks, newlines, a user's `#…;` entities or tags. A comparison's `<` becomes Mermaid's entity `#lt;` (a bare `<` shows as `&lt;`), any other angle bracket a guillemet. */
function label(text: string, max = 60): string {
  const plain = text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').replace(/"/g, "'").replace(/`/g, "'").replace(/#(?=\w*;)/g, '# ').replace(/\s+/g, ' ').trim();
  const cut = plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
  return cut.replace(/<(?=[\s\d=.-]|$)/g, '#lt;').replace(/(?<=[\s\d])>(?=[\s\d=.-]|$)/g, '#gt;').replace(/</g, '‹').replace(/>/g, '›');
}

/** A number as Mermaid's grammar reads it: plain decimal, never exponent notation. */
function mermaidNumber(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const rounded = Number(x.toPrecision(6));
  const s = String(rounded);
  return /e/i.test(s) ? rounded.toFixed(12).replace(/\.?0+$/, '') || '0' : s;
}

// Mermaid's default palette starts with a near-white line: name the colours (bar or line, then the threshold).
const INIT = '%%{init: {"xyChart": {"width": 720, "height": 320}, "themeVariables": {"xyChart": {"plotColorPalette": "#2563eb, #dc2626, #16a34a"}}}}%%';
const fence = (body: string[]) => ['```mermaid', INIT, ...body, '```', ''].join('\n');
const categories = (xs: string[]) => `[${xs.map((x) => `"${label(x, 40)}"`).join(', ')}]`;
const series = (xs: number[]) => `[${xs.map(mermaidNumber).join(', ')}]`;
const day = (iso: string) => new Date(Date.parse(iso)).toISOString().slice(0, 10);

/** Category names must differ (the axis places a repeated name once): a repeat gets its time, then a count. */
function distinct(names: string[], times: string[]): string[] {
  const seen = new Set<string>();
  return names.map((name, i) => {
    let out = seen.has(name) ? `${name} ${new Date(Date.parse(times[i])).toISOString().slice(11, 16)}` : name;
    for (let n = 2; seen.has(out); n++) out = `${name} (${n})`;
    seen.add(out);
    return out;
  });
}

/**
 * One environment's stage percentage over time: a bar per stage change (the percentage from
 * that day on) and one for `now`. Bars, as the axis is categorical: a line would draw a slope
 * between two changes where the stage held, then jumped.
 */
export function stageChart(rollout: string, env: string, points: StagePoint[], now: string): string | undefined {
  const known = points.filter((p) => p.percentage !== null);
  if (!known.length) return undefined;
  const xs = distinct([...known.map((p) => label(`${day(p.date)} ${p.stage}`, 24)), 'now'], [...known.map((p) => p.date), now]);
  const ys = [...known.map((p) => p.percentage!), known.at(-1)!.percentage!];
  return fence(['xychart-beta', `  title "${label(`${rollout} in ${env}: stage % over time`, 80)}"`, `  x-axis ${categories(xs)}`, '  y-axis "stage %" 0 --> 100', `  bar ${series(ys)}`]);
}

/** The numbers a threshold is written with (`< 1`, `between 60 and 85`, `≥ 0.95 × control`). */
function thresholdNumbers(threshold: string): number[] {
  return [...threshold.matchAll(/-?\d+(?:\.\d+)?(?:e-?\d+)?/gi)].map((m) => Number(m[0])).filter(Number.isFinite);
}

/**
 * A measured criterion against its threshold: a bar for the value and one per bound, and a
 * line at a single bound across the chart. Undefined when nothing was measured or the threshold
 * holds no number (a manual check).
 */
export function criterionChart(c: CriterionReport): string | undefined {
  if (c.measured === undefined) return undefined;
  const bounds = thresholdNumbers(c.threshold).slice(0, 2);
  if (!bounds.length) return undefined;
  const unit = c.control !== undefined ? '× control' : c.unit === 'percent' ? '%' : (c.unit ?? '');
  const values = [c.measured, ...bounds];
  const lo = Math.min(0, ...values);
  const hi = Math.max(...values);
  const top = hi === lo ? lo + 1 : hi + (hi - lo) * 0.2;
  const names = [`measured ${mermaidNumber(c.measured)}`, ...(bounds.length === 2 ? [`bound ${mermaidNumber(bounds[0])}`, `bound ${mermaidNumber(bounds[1])}`] : [`threshold ${label(c.threshold, 20)}`])];
  return fence([
    'xychart-beta',
    `  title "${label(`${c.name} (${c.threshold}): ${c.result}`, 80)}"`,
    `  x-axis ${categories(names)}`,
    `  y-axis "${label(unit || 'value', 20)}" ${mermaidNumber(lo)} --> ${mermaidNumber(top)}`,
    `  bar ${series(values)}`,
    // The threshold across the chart; a range's two bounds are bars of their own.
    ...(bounds.length === 1 ? [`  line ${series(names.map(() => bounds[0]))}`] : []),
  ]);
}

/** Every chart of a gate report's measured criteria, in report order. */
export function criterionCharts(criteria: CriterionReport[]): string[] {
  return criteria.map(criterionChart).filter((x): x is string => x !== undefined);
}

import type { Metric } from '../config/schema/index.ts';

/** The PromQL template of a metric's value: its query, or numerator ÷ denominator (× 100 for percent). */
export function valueTemplate(m: Metric): string {
  if (m.query !== undefined) return m.query;
  if (!m.ratio) return 'vector(NaN)'; // refused by metrics/query-or-ratio before anything runs
  return `${m.unit === 'percent' ? '100 * ' : ''}(${m.ratio.numerator}) / (${m.ratio.denominator})`;
}

/** The template counting the samples a value rests on: a ratio's denominator, or `samples`. */
export function samplesTemplate(m: Metric): string | undefined {
  return m.ratio?.denominator ?? m.samples;
}

/** Every PromQL template of a metric, with where it is written: for the checks that parse them. */
export function templatesOf(m: Metric): { path: string[]; text: string }[] {
  const out: { path: string[]; text: string }[] = [];
  if (m.query !== undefined) out.push({ path: ['query'], text: m.query });
  if (m.ratio) out.push({ path: ['ratio', 'numerator'], text: m.ratio.numerator }, { path: ['ratio', 'denominator'], text: m.ratio.denominator });
  if (m.samples !== undefined) out.push({ path: ['samples'], text: m.samples });
  return out;
}

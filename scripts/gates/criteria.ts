import type { Criterion } from '../config/schema/index.ts';
import type { Measurement } from '../metrics/port.ts';
import type { Result } from './report.ts';

const OPS: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};
const SHOW_OP: Record<string, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠' };

/** The condition as a reader would say it. */
export function threshold(c: Criterion): string {
  if (c.check !== undefined) return 'manual check';
  if (c.between) return `between ${c.between[0]} and ${c.between[1]}`;
  if (c.outside) return `outside ${c.outside[0]}–${c.outside[1]}`;
  if (c.vsBaseline) return `${SHOW_OP[c.vsBaseline.op]} ${c.vsBaseline.ratio} × control`;
  return `${SHOW_OP[c.op!]} ${c.value}`;
}

/** Whether the comparison holds for `value` (for vsBaseline, value is treatment ÷ control). */
export function holds(c: Criterion, value: number): boolean {
  if (c.between) return value >= c.between[0] && value <= c.between[1];
  if (c.outside) return value < c.outside[0] || value > c.outside[1];
  if (c.vsBaseline) return OPS[c.vsBaseline.op](value, c.vsBaseline.ratio);
  return OPS[c.op!](value, c.value!);
}

export interface Judged {
  result: Result;
  measured?: number;
  treatment?: number;
  control?: number;
  why: string;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(4).replace(/\.?0+$/, ''));

/**
 * Judges one metric criterion from its measurement(s). `bad` is true for blockers and
 * rollback conditions, whose comparison describes the bad case: there a match is a FAIL.
 * Anything not measured is INCONCLUSIVE, never PASS.
 */
export function judge(c: Criterion, measurements: Measurement[], bad: boolean, unit = ''): Judged {
  const u = unit ? ` ${unit}` : '';
  if (c.vsBaseline) {
    const [t, k] = measurements;
    if (!t?.ok) return { result: 'INCONCLUSIVE', why: `treatment not measured: ${t ? t.reason : 'no request'}` };
    if (!k?.ok) return { result: 'INCONCLUSIVE', treatment: t.value, why: `control not measured: ${k ? k.reason : 'no request'}` };
    if (k.value === 0) return { result: 'INCONCLUSIVE', treatment: t.value, control: 0, why: 'control is 0: there is no baseline to compare with' };
    const ratio = t.value / k.value;
    const match = holds(c, ratio);
    const result = bad ? (match ? 'FAIL' : 'PASS') : match ? 'PASS' : 'FAIL';
    return { result, measured: ratio, treatment: t.value, control: k.value, why: `treatment ${fmt(t.value)}${u} ÷ control ${fmt(k.value)}${u} = ${fmt(ratio)}, ${match ? '' : 'not '}${threshold(c)}${bad && match ? ' (blocker hit)' : ''}` };
  }
  const [m] = measurements;
  if (!m?.ok) return { result: 'INCONCLUSIVE', why: m ? m.reason : 'not measured' };
  const match = holds(c, m.value);
  const result = bad ? (match ? 'FAIL' : 'PASS') : match ? 'PASS' : 'FAIL';
  return { result, measured: m.value, why: `${fmt(m.value)}${u} is ${match ? '' : 'not '}${threshold(c)}${bad && match ? ' (blocker hit)' : ''}` };
}

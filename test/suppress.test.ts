import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../scripts/report/diagnostic.ts';
import { applySuppressions } from '../scripts/rules/suppress.ts';

const warning = (line: number, code = 'alert/gate-metric-unwatched'): Diagnostic => ({ code, severity: 'warning', file: 'rollout/x.yaml', line, col: 3, message: 'm' });
const TEXT = [
  'a: 1', //                                                                        1
  '# rollgate-ignore alert/gate-metric-unwatched: the runbook defines no alert for it', // 2
  'metric: m1', //                                                                  3
  'metric: m2  # rollgate-ignore alert/gate-metric-unwatched: watched by the platform', // 4
  '# rollgate-ignore alert/gate-metric-unwatched', //                               5  no reason
  'metric: m3', //                                                                  6
  '# rollgate-ignore gate/unknown-metric: an error cannot be silenced', //          7
  'metric: m4', //                                                                  8
].join('\n');

describe('# rollgate-ignore CODE: REASON', () => {
  it('silences a warning on the next line or its own line, with a reason, for that code only', () => {
    const { kept, suppressed } = applySuppressions([warning(3), warning(4), warning(6), warning(3, 'alert/other-code')], () => TEXT);
    expect(kept.map((d) => `${d.line} ${d.code}`)).toEqual(['6 alert/gate-metric-unwatched', '3 alert/other-code']);
    expect(suppressed).toBe(2);
  });

  it('never silences an error', () => {
    const error: Diagnostic = { ...warning(8, 'gate/unknown-metric'), severity: 'error' };
    expect(applySuppressions([error], () => TEXT)).toEqual({ kept: [error], suppressed: 0 });
  });
});

// A metrics file knows values, not the counts behind them: a ratio metric read from one is its
// value, judged as a point estimate with no sample count — never numerator ÷ numerator.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../scripts/gates/evaluate-gate.ts';
import { staticFileProvider } from '../scripts/metrics/static-file.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { ROOT } from './helpers/cli.ts';

describe('ratio metrics from a metrics file', () => {
  it('reads the value, decides on the point estimate, and a minSamples has nothing to count', async () => {
    const { model } = await validateRepository(join(ROOT, 'test', 'fixtures', 'evidence'));
    const svc = model.rolloutByName.get('svc')!;
    const file = join(mkdtempSync(join(tmpdir(), 'rollgate-metrics-')), 'm.json');
    writeFileSync(file, JSON.stringify({ error_rate: 0.4, conversion_rate: { treatment: 11, control: 12 } }));
    const report = await evaluateGate({
      model,
      rollout: svc,
      env: 'production',
      from: 'canary',
      to: 'full',
      gate: {
        mustPass: [
          { metric: 'error_rate', op: '<', value: 1 },
          { metric: 'conversion_rate', vsBaseline: { op: '>=', ratio: 0.95, from: 'control' } },
          { metric: 'error_rate', op: '<', value: 1, minSamples: 100 },
        ],
      },
      gateFrom: 'base',
      provider: staticFileProvider(file),
      history: [],
      now: Date.now(),
      ticked: new Set(),
    });
    const [rate, conversion, counted] = report.mustPass;
    expect([rate.result, rate.measured, rate.method]).toEqual(['PASS', 0.4, 'point estimate']);
    expect(conversion.result).toBe('FAIL');
    expect(conversion.measured).toBeCloseTo(11 / 12, 6);
    expect(counted.result).toBe('INCONCLUSIVE');
    expect(counted.why).toContain('needs a sample count');
  });
});

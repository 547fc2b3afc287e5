import { describe, expect, it } from 'vitest';
import { alertRollbackScenario } from './helpers/alert-e2e.ts';

describe('a CRITICAL alert rolls back through git, end to end', () => {
  it('app errors → Prometheus → Alertmanager → rollgate webhook → a rollback commit on main → the store back at the previous percentage', async () => {
    const r = await alertRollbackScenario();
    expect(r.percentageBefore).toBe(50);
    expect(r.percentageAfter).toBe(10);
    expect(r.mainLog.slice(0, 2)).toEqual(['Revert "Advance checkout in production"', 'Advance checkout in production']);
    expect(r.webhookLogs.filter((e) => e.msg === 'rolled back')).toEqual([expect.objectContaining({ rollout: 'checkout', env: 'production', from: 'staged', to: 'canary', sync: 'applied' })]);
    console.log(`alert → rollback: ${(r.latencyMs / 1000).toFixed(1)} s from the error rate crossing the threshold to the store serving 10 % again`);
  }, 180_000);
});

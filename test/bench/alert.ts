// Benchmark: the time from an app's error rate crossing a CRITICAL threshold to the flag store
// serving the previous percentage, through Prometheus, Alertmanager, rollgate webhook, git and sync.
import { alertRollbackScenario } from '../helpers/alert-e2e.ts';
import { fmtMs, median } from './measure.ts';

export async function benchAlert(runs = 3): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push((await alertRollbackScenario()).latencyMs);
  const anchor = 30_000; // the seeds' "instant rollback" target (seed 003); their emergency target is 5 minutes
  console.log(`\n## alert → rollback, end to end (1 s scrape and evaluation, group_wait 1 s), median of ${runs}`);
  console.log('| run | wall | ratio |\n|---|---|---|');
  console.log(`| the seeds' instant-rollback target (anchor) | ${fmtMs(anchor)} | 1.00× |`);
  console.log(`| threshold crossed → store at the previous percentage | ${fmtMs(median(samples))} (runs: ${samples.map(fmtMs).join(', ')}) | ${(anchor / median(samples)).toFixed(1)}× faster |`);
  console.log('target: ≤ 15 s. Bounded by the rate window (5 s) filling with errors, the rule\'s `for` (2 s), evaluation and scrape intervals (1 s each), group_wait (1 s), then git push + sync (~1–2 s).');
}

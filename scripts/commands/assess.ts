import { assess } from '../gates/assess.ts';
import { measureCriteria } from '../gates/evaluate-gate.ts';
import { gitAt } from '../git/simple-git.ts';
import { stageHistory } from '../git/stage-history.ts';
import { openProvider } from '../metrics/open-provider.ts';
import { environmentsOf, environmentsSpec, formatOf, type Io, loadValidConfig, parse, repoDir, rolloutArg, UsageError } from './common.ts';

export const usage = `rollgate assess ROLLOUT [--env E] [--metrics FILE] [--dir PATH] [--format text|json]

Reads the rollout's rollback decision matrix top-down against current metrics and prints
the severity and the advised action. Exit 0 no action, 1 an action is advised (rollback or
investigate), 4 a row above could not be measured, 2 usage or infrastructure error.

Examples:
  rollgate assess checkout-v2 --env production
  rollgate assess checkout-v2 --env production --metrics metrics-now.yaml --format json`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { env: { type: 'string' }, metrics: { type: 'string' } }, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (positionals.length !== 1) throw new UsageError('give exactly one ROLLOUT'); // before loading anything
  const format = formatOf(io, values.format, ['text', 'json']);
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const rollout = rolloutArg(model, positionals);
  const order = environmentsOf(model, values.env);
  const env = values.env ?? [...order].reverse().find((e) => rollout.doc.spec.environments[e]) ?? order[0];
  const stage = rollout.doc.spec.environments[env]?.stage;
  if (!stage) throw new UsageError(`${positionals[0]} is not in ${env}`);
  const rows = rollout.doc.spec.rollback ?? [];
  const provider = openProvider(dir, environmentsSpec(model).environments[env].metrics, io.env, values.metrics);
  const ctx = { model, rollout, env, stage, provider, history: await stageHistory(gitAt(dir), rollout.file.path), now: io.now() };
  const measured = await Promise.all(rows.map((row) => measureCriteria(ctx, row.when.all ?? row.when.any ?? [])));
  const result = assess({ name: positionals[0], stages: rollout.doc.spec.stages.map((s) => s.name) }, env, stage, rows, measured, (name) => model.metricCatalog.get(name)?.metric);
  if (format === 'json') io.stdout(JSON.stringify(result, null, 2) + '\n');
  else {
    const lines = [`${result.rollout} in ${env} at ${stage}: ${result.advice}`];
    for (const row of result.rows) {
      lines.push(`  row ${row.index + 1} ${row.severity.padEnd(8)} ${row.state}${row.state === 'not-applicable' ? '' : ''}`);
      for (const c of row.criteria) lines.push(`      ${c.result.padEnd(12)} ${c.name} (${c.threshold}): ${c.why}`);
    }
    io.stdout(lines.join('\n') + '\n');
  }
  return result.decision === 'no-action' ? 0 : result.decision === 'action' ? 1 : 4;
}

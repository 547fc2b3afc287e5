import { assess } from '../gates/assess.ts';
import { measureCriteria } from '../gates/evaluate-gate.ts';
import { gitAt } from '../git/simple-git.ts';
import { stageHistory } from '../git/stage-history.ts';
import { openProvider } from '../metrics/open-provider.ts';
import { renderAssessText } from '../report/assess.ts';
import { environmentsSpec, formatOf, type Io, loadValidConfig, parse, repoDir, rolloutArg, UsageError } from './common.ts';
import { targetEnv } from './default-env.ts';

export const usage = `rollgate assess ROLLOUT [--env E] [--metrics FILE] [--dir PATH] [--format text|json]

Reads the rollout's rollback decision matrix top-down against current metrics and prints
the severity, the advised action and the command for it (the rollback it advises, or
running it again). --env may be left out when the rollout is in one environment only. Exit 0 no action, 1 an action is advised (rollback or
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
  const env = targetEnv(model, rollout, values.env, { verb: 'assess', argv });
  const stage = Object.hasOwn(rollout.doc.spec.environments, env) ? rollout.doc.spec.environments[env].stage : undefined;
  if (!stage) throw new UsageError(`${positionals[0]} is not in ${env}`);
  const rows = rollout.doc.spec.rollback ?? [];
  const provider = openProvider(dir, environmentsSpec(model).environments[env].metrics, io.env, values.metrics);
  const ctx = { model, rollout, env, stage, provider, history: await stageHistory(gitAt(dir), rollout.file.path), now: io.now() };
  const measured = await Promise.all(rows.map((row) => measureCriteria(ctx, row.when.all ?? row.when.any ?? [])));
  const result = assess({ name: positionals[0], stages: rollout.doc.spec.stages.map((s) => s.name) }, env, stage, rows, measured, (name) => model.metricCatalog.get(name)?.metric);
  if (format === 'json') io.stdout(JSON.stringify(result, null, 2) + '\n');
  else io.stdout(renderAssessText(result, provider.name, { dir: values.dir, metrics: values.metrics }));
  return result.decision === 'no-action' ? 0 : result.decision === 'action' ? 1 : 4;
}

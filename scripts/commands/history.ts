import { gitAt } from '../git/simple-git.ts';
import { stageHistory } from '../git/stage-history.ts';
import { environmentsOf, formatOf, type Io, loadValidConfig, parse, repoDir, rolloutArg, UsageError } from './common.ts';

export const usage = `rollgate history ROLLOUT [--env E] [--dir PATH] [--format text|json]

Every stage change of the rollout per environment, from the first-parent git history of
HEAD: commit, author, time, and whether the commit was a revert.

Examples:
  rollgate history checkout-v2
  rollgate history checkout-v2 --env production --format json`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { env: { type: 'string' } }, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (positionals.length !== 1) throw new UsageError('give exactly one ROLLOUT'); // before loading anything
  const format = formatOf(io, values.format, ['text', 'json']);
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const rollout = rolloutArg(model, positionals);
  const changes = (await stageHistory(gitAt(dir), rollout.file.path)).filter((c) => !values.env || c.env === values.env);
  // A reading verb: every environment unless --env. A removed environment's history still shows; a typo says so.
  if (values.env !== undefined && !changes.length) environmentsOf(model, values.env);
  if (format === 'json') {
    io.stdout(JSON.stringify({ rollout: positionals[0], file: rollout.file.path, changes }, null, 2) + '\n');
    return 0;
  }
  if (!changes.length) io.stdout(`${positionals[0]}: no committed stage changes yet\n`);
  const percentage = (stage: string) => rollout.doc.spec.stages.find((s) => s.name === stage)?.percentage;
  for (const env of [...new Set(changes.map((c) => c.env))]) {
    io.stdout(`${env}\n`);
    for (const c of changes.filter((x) => x.env === env)) {
      const move = c.from ? `${c.from} → ${c.to}` : `starts at ${c.to}`;
      const pct = percentage(c.to);
      io.stdout(`  ${c.date}  ${c.sha.slice(0, 7)}  ${move}${pct !== undefined ? ` (${pct} %)` : ''}  ${c.author}${c.revert ? '  [revert]' : ''}  ${c.subject}\n`);
    }
  }
  return 0;
}

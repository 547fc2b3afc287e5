import type { ConfigModel } from '../config/model.ts';
import { validateRepository } from '../rules/validate-repository.ts';
import { documentsOf } from '../scaffold/draft.ts';
import { ScaffoldError } from '../scaffold/errors.ts';
import { initCatalog } from '../scaffold/init.ts';
import { newRolloutFiles } from '../scaffold/new-rollout.ts';
import { packageRoot } from '../scaffold/package-root.ts';
import { renderScaffoldError, renderScaffoldJson, renderScaffoldText } from '../scaffold/report.ts';
import { parseStages } from '../scaffold/stages.ts';
import { conflicts, writeAll } from '../scaffold/write.ts';
import { formatOf, InfrastructureError, parse, repoDir, threadsFrom, UsageError, type Io } from './common.ts';

export const usage = `rollgate new rollout NAME [--stages P,P,…] [--env E,E,…] [--flag KEY] [--dir PATH] [--format text|json]

Adds a rollout to this repository, valid as written (checked beside every other file first):
  rollout/NAME.yaml        the stages, every environment at the first one, a gate into each
                           later stage from the metric catalog (error rate below 1 %, p95
                           latency below 500 ms, when the catalog has such metrics; otherwise a
                           manual check), approvals into the last from configOwners, and a
                           rollback row to the first stage on a high error rate
  alerts/NAME.yaml         an alert per gate metric, to a paging channel, with runbook steps
  alerts/tests/NAME.yaml   their promtool test (rollgate alerts test)
Stage names come from the percentages: 0 is off, 100 is full, the first in between canary,
each later one ramp-N (0,1,5,25,100: off, canary, ramp-5, ramp-25, full); every stage that
serves users, but the last, bakes 24h.
  --stages  increasing percentages from 0 to 100 (default 0,10,50,100)
  --env     the environments it runs in (default: all, in promotion order)
  --flag    the flag key (default NAME)
NAME follows the rule of rollout names (kebab-case, 1–63 characters). A rollout or file of
that name is refused and nothing is written. Exit 0 written, 1 refused, 2 usage.

Examples:
  rollgate new rollout checkout-v2 --stages 0,1,5,25,100
  rollgate new rollout search-ranking --env staging --flag search.ranking-v2`;

const DEFAULT_STAGES = '0,10,50,100';

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { stages: { type: 'string' }, env: { type: 'string' }, flag: { type: 'string' } }, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  const [what, name, ...extra] = positionals;
  if (what !== 'rollout') throw new UsageError(what ? `rollgate new makes a rollout: rollgate new rollout NAME (got "${what}")` : 'give what to make: rollgate new rollout NAME');
  if (name === undefined) throw new UsageError('give the rollout NAME: rollgate new rollout NAME');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const format = formatOf(io, values.format, ['text', 'json']);
  try {
    const percentages = parseStages(values.stages ?? DEFAULT_STAGES);
    const dir = repoDir(io, values.dir);
    const { model } = await validateRepository(dir, { threads: threadsFrom(io.env) });
    const files = newRolloutFiles(documentsOf(model), {
      name,
      percentages,
      flag: values.flag,
      envs: values.env?.split(',').map((e) => e.trim()),
      schemaPrefix: schemaPrefix(model),
      templateCatalog: initCatalog(packageRoot()),
    });
    const { existing } = conflicts(dir, files);
    if (existing.length) throw new ScaffoldError('scaffold/exists', `${existing.join(', ')} exist${existing.length === 1 ? 's' : ''}: nothing written`, 'choose another NAME, or edit the files that are there', 1);
    await writeAll(dir, files).catch((error: Error) => {
      throw new InfrastructureError(`cannot write in ${dir}: ${error.message}`);
    });
    const result = { dir, written: files, kept: [], next: ['npx rollgate validate', 'npx rollgate alerts test', `edit rollout/${name}.yaml: the gates and thresholds are a start`, 'open a PR with the three files'] };
    io.stdout(format === 'json' ? renderScaffoldJson(result) : renderScaffoldText(result));
    return 0;
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    (format === 'json' ? io.stdout : io.stderr)(renderScaffoldError('new', error, format));
    return error.exit;
  }
}

/** The folder the repository's own files name in their `$schema` line (environments.yaml's), so a new file points where its neighbours do. */
function schemaPrefix(model: ConfigModel): string {
  const file = model.environments[0]?.file;
  const first = file ? file.text.split('\n', 1)[0] : '';
  return /^#\s*yaml-language-server:\s*\$schema=(\S*\/)?environments\.schema\.json/.exec(first)?.[1] ?? '../schemas/';
}


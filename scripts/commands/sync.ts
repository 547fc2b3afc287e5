import { appendFile } from 'node:fs/promises';
import { gitAt } from '../git/simple-git.ts';
import { renderSyncJson, renderSyncSummary, renderSyncText } from '../report/sync.ts';
import { openStore } from '../stores/open-store.ts';
import { runSync, type Mode } from '../sync/sync.ts';
import { environmentsOf, environmentsSpec, formatOf, loadValidConfig, parse, repoDir, UsageError, type Io } from './common.ts';

export const usage = `rollgate sync [--env E] [--dry-run] [--check] [--local] [--dir PATH] [--format text|json|github]

Converges each environment's flag store to the config at HEAD: reads the store, plans per
flag (create, set percentage, enable, disable, nothing), writes only the differences,
records the applied SHA and the flags it manages, reads back and verifies. A flag it
manages that no rollout names any more in that environment (rollout removed, flag key
renamed, environment entry removed) is turned off, kept in the store, and no longer
managed; flags it never managed are never touched.
  --dry-run  plan and print, write nothing
  --check    compare only; exit 3 when a store differs from main (drift), orphans included
  --local    apply the local main instead of origin/main: for a repository without a remote
             (not with ROLLGATE_PUBLISH_REMOTE, which would publish unpushed commits)
A flagd store with \`publish\` commits its file to a branch of this repository, one commit per
applied sync; ROLLGATE_PUBLISH_REMOTE=origin reads that branch from origin and pushes it
there with a lease (unset: the local branch only).
Applies only when HEAD is the tip of origin/main (with --local: of the local main) and the
store's recorded SHA is an ancestor of HEAD; a dry run is refused for the same reasons. Exit 0
done, 1 refused or failed halfway (rerun to converge), 2 usage or store unreachable, 3 drift
(--check).

Examples:
  rollgate sync --dry-run
  rollgate sync --env production
  rollgate sync --check --format json
  rollgate sync --local`;

/** Above this many flags, progress goes to stderr. */
const PROGRESS_OVER = 10;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { env: { type: 'string' }, 'dry-run': { type: 'boolean' }, check: { type: 'boolean' }, local: { type: 'boolean' } });
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (values['dry-run'] && values.check) throw new UsageError('--dry-run and --check do not go together');
  if (values.local && values.check) throw new UsageError('--local says which main a sync applies; --check only compares the stores with HEAD');
  if (values.local && io.env.ROLLGATE_PUBLISH_REMOTE) throw new UsageError(`--local syncs a repository without a remote, but ROLLGATE_PUBLISH_REMOTE=${io.env.ROLLGATE_PUBLISH_REMOTE} would publish the flags of unpushed commits there; unset it, or push main and sync without --local`);
  const format = formatOf(io, values.format);
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const envs = environmentsOf(model, values.env);
  const settings = environmentsSpec(model);
  const mode: Mode = values.check ? 'check' : values['dry-run'] ? 'dry-run' : 'apply';
  const results = await runSync({
    model,
    envs,
    mode,
    git: gitAt(dir),
    mainBranch: settings.mainBranch,
    main: values.local ? 'local' : 'remote',
    openStore: (env) => openStore(dir, settings.environments[env].store, io.env, {}, env),
    progress: (env, done, total) => {
      if (total > PROGRESS_OVER && (done === total || done % 10 === 0)) io.stderr(`${env}: ${done}/${total} flags applied\n`);
    },
  });
  if (format === 'json') io.stdout(renderSyncJson(results, mode));
  else io.stdout(renderSyncText(results, mode));
  if (format === 'github' && io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, renderSyncSummary(results, mode));
  if (format === 'github') {
    for (const r of results) {
      if (r.status === 'drift' || r.status === 'refused' || r.status === 'failed') io.stdout(`::error title=rollgate sync ${r.plan.env}::${r.status}${r.reason ? `: ${r.reason.replace(/%/g, '%25').replace(/\n/g, '%0A')}` : ''}\n`);
    }
  }
  if (results.some((r) => r.status === 'refused' || r.status === 'failed')) return 1;
  if (results.some((r) => r.status === 'drift')) return 3;
  return 0;
}

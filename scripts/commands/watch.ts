import { appendFile } from 'node:fs/promises';
import { durationMs } from '../config/duration.ts';
import type { ConfigModel } from '../config/model.ts';
import { gitAt } from '../git/simple-git.ts';
import { gitHubFromEnv } from '../github/from-env.ts';
import type { GitHub } from '../github/port.ts';
import { openProvider } from '../metrics/open-provider.ts';
import type { MetricsProvider } from '../metrics/port.ts';
import { emergencyRollback, rollbackPullRequest } from '../rollback/execute.ts';
import { openStore } from '../stores/open-store.ts';
import { watchLoop } from '../watch/loop.ts';
import { renderWatchAnnotations, renderWatchJson, renderWatchSummary, renderWatchText } from '../watch/report.ts';
import { watchExitCode, watchOnce } from '../watch/run.ts';
import { environmentsOf, environmentsSpec, formatOf, type Io, loadValidConfig, parse, repoDir, UsageError } from './common.ts';

export const usage = `rollgate watch [--once | --interval DURATION] [--rollout R] [--env E] [--issue N] [--dry-run] [--dir PATH] [--format text|json|github]

Evaluates every rollout's rollback decision matrix in every environment it is in (or only
--rollout, --env) now, and acts on the deciding row as the row says:
  action rollback, mode emergency  commit the rollback on main and sync that environment
                                   (what the webhook does for an alert)
  action rollback, mode gradual    open (or update) the rollback PR
  investigate, or a rollback row at or below its \`to\`
                                   hold: one comment per rollout and environment on issue
                                   --issue N (default \$ROLLGATE_WATCH_ISSUE), updated in place
  monitor, no row matches          nothing
A row above that cannot be measured makes it INCONCLUSIVE: nothing is done. A row is judged
only once all of its evidence (for + window) comes from the current stage, so a rollback is
never followed by a second one before the row has held again in the new stage.
Idempotent: each rollback commit carries a Watch-Key trailer (rollout/env/row/the commit that
entered the stage); a decision already on main, or on the open rollback PR, is not repeated.
  --once               one pass (the default; for a scheduled workflow)
  --interval DURATION  a pass every DURATION (e.g. 5m) until SIGINT or SIGTERM
  --dry-run            decide and print; write nothing (no commit, PR, comment or fetch)
The checkout (--dir) is a clone of main that can push; each pass fetches and fast-forwards it.
PRs and comments need GITHUB_REPOSITORY and GITHUB_TOKEN. Exit (--once) 0 nothing due or all
of it done (now or before), 1 an action is due and not done (refused, a failed sync, no issue
or GitHub for it, or --dry-run), 2 usage or infrastructure error.

Examples:
  rollgate watch --dry-run
  rollgate watch --rollout checkout-v2 --env production --issue 17
  rollgate watch --interval 5m`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    once: { type: 'boolean' },
    interval: { type: 'string' },
    rollout: { type: 'string' },
    env: { type: 'string' },
    issue: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (values.once && values.interval !== undefined) throw new UsageError('--once and --interval do not go together');
  const intervalMs = values.interval === undefined ? undefined : durationMs(values.interval);
  if (intervalMs !== undefined && intervalMs < 1000) throw new UsageError(`--interval must be a duration of at least 1s, such as 5m`);
  if (values.interval !== undefined && intervalMs === undefined) throw new UsageError(`--interval must be a duration such as 30s or 5m, got "${values.interval}"`);
  const issueText = values.issue ?? (io.env.ROLLGATE_WATCH_ISSUE?.trim() || undefined);
  const issue = issueText === undefined || issueText === '' ? undefined : Number(issueText);
  if (issue !== undefined && !(Number.isInteger(issue) && issue > 0)) throw new UsageError(`--issue must be an issue number, got "${issueText}"`);
  const format = formatOf(io, values.format, ['text', 'json', 'github']);
  const dryRun = Boolean(values['dry-run']);
  const dir = repoDir(io, values.dir);
  const git = gitAt(dir);

  let github: GitHub | undefined;
  let noGitHub: string | undefined;
  try {
    github = gitHubFromEnv(io.env);
  } catch (error) {
    if ((error as Error).name !== 'GitHubEnvError') throw error;
    noGitHub = (error as Error).message;
  }

  const pass = async (): Promise<number> => {
    let { model } = await loadValidConfig(io, dir);
    const settings = environmentsSpec(model);
    if (!dryRun && (await fastForward(git, settings.mainBranch))) model = (await loadValidConfig(io, dir)).model;
    checkTargets(model, values.rollout, values.env);
    const providers = new Map<string, MetricsProvider>();
    const report = await watchOnce(
      model,
      {
        git,
        mainBranch: settings.mainBranch,
        provider(env) {
          if (!providers.has(env)) providers.set(env, openProvider(dir, settings.environments[env].metrics, io.env));
          return providers.get(env)!;
        },
        ...(github ? { github } : { noGitHub }),
        actions: {
          emergency: async (path, request) => {
            const r = await emergencyRollback({ dir, git, mainBranch: settings.mainBranch, path, openStore: (e) => openStore(dir, settings.environments[e].store, io.env) }, request);
            return { commit: r.commit, summary: r.plan.summary, attempts: r.attempts, sync: { status: r.sync.status, writes: r.sync.writes, ...(r.sync.reason ? { reason: r.sync.reason } : {}) } };
          },
          pullRequest: async (path, request) => {
            const r = await rollbackPullRequest({ dir, git, mainBranch: settings.mainBranch, path, openStore: (e) => openStore(dir, settings.environments[e].store, io.env) }, github!, request);
            return { number: r.number, url: r.url, created: r.created, summary: r.plan.summary };
          },
        },
        now: io.now,
      },
      { ...(values.rollout ? { rollout: values.rollout } : {}), ...(values.env ? { env: values.env } : {}), dryRun, ...(issue !== undefined ? { issue } : {}) },
    );
    if (format === 'json') io.stdout(renderWatchJson(report, intervalMs === undefined));
    else io.stdout(renderWatchText(report));
    if (format === 'github') {
      io.stdout(renderWatchAnnotations(report));
      if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, renderWatchSummary(report));
    }
    return watchExitCode(report);
  };

  if (intervalMs === undefined) return pass();

  const stop = new AbortController();
  const abort = () => stop.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  await watchLoop(async () => {
    try {
      await pass();
    } catch (error) {
      // One failed pass (Prometheus down, a push refused, the config broken on main) must not end the watching.
      io.stderr(`rollgate watch: ${(error as Error).name === 'ConfigInvalid' ? '' : 'this pass failed: '}${(error as Error).message}\n`);
    }
  }, intervalMs, stop.signal);
  return 0;
}

/** --rollout and --env name what the config has. */
function checkTargets(model: ConfigModel, rollout: string | undefined, env: string | undefined): void {
  environmentsOf(model, env);
  if (rollout !== undefined && !model.rolloutByName.has(rollout)) throw new UsageError(`--rollout ${rollout}: no such rollout (known: ${[...model.rolloutByName.keys()].join(', ')})`);
}

/** Fetches main and moves the checkout forward when it is on main and behind. True when it moved. */
async function fastForward(git: ReturnType<typeof gitAt>, mainBranch: string): Promise<boolean> {
  const tip = await git.fetch(mainBranch);
  if ((await git.currentBranch()) !== mainBranch) return false;
  const head = await git.head();
  if (head === tip || (await git.isAncestor(tip, head))) return false;
  await git.fastForward(tip);
  return true;
}

// rollgate watch end to end: a real Prometheus over backfilled history, a real bare origin and
// clone, the local GitHub server, and the CLI run again and again as the scheduled workflow runs
// it. The fixture (test/fixtures/watch) has one rollout per scenario, all at `half` in
// production since three hours ago: an emergency row, a gradual row, a row that held only
// briefly, an investigate row, and a row over a metric with no data.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitAt } from '../scripts/git/simple-git.ts';
import { HttpClient } from '../scripts/http/client.ts';
import { prometheusProvider } from '../scripts/metrics/prometheus.ts';
import { emergencyRollback } from '../scripts/rollback/execute.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { flagdFileStore } from '../scripts/stores/flagd-file.ts';
import { holdMarker } from '../scripts/watch/key.ts';
import { watchOnce, type WatchReport, type WatchResult } from '../scripts/watch/run.ts';
import { rollgateAsync, ROOT, tempRepo } from './helpers/cli.ts';
import { GitHubServer } from './helpers/github-server.ts';
import { repoFrom, setStage, type Repo } from './helpers/git.ts';
import { HEALTHY, history, SERIES, type Over, type Profile } from './helpers/metrics-history.ts';
import { startPrometheus, type Prometheus } from './helpers/prometheus.ts';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'watch');
const ROLLOUTS = ['brief-svc', 'emergency-svc', 'gradual-svc', 'hold-svc', 'nodata-svc'];
// The history ends at the last whole minute: the CLI queries Prometheus at its own now, a
// minute or two later, and every window (5m, with for 10m or 30m) still ends inside the data.
const END = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const endTs = END.getTime() / 1000;
const bad = (errorPercent: number): Profile => ({ ...HEALTHY, errorPercent });
/** What the new path does, per rollout; nodata-svc has no series at all. */
const TREATMENT: Record<string, Over<Profile>> = {
  'emergency-svc': bad(12),
  'gradual-svc': bad(4),
  // 12 % errors for the last 8 minutes only: under `for: 30m` the row does not hold.
  'brief-svc': (ts) => (ts > endTs - 8 * 60 ? bad(12) : HEALTHY),
  'hold-svc': bad(2),
};

let prometheus: Prometheus;
let github: GitHubServer;
let repo: Repo;
let incident: number;
const advanced = new Map<string, string>();

beforeAll(async () => {
  // Only the series error_rate reads: the others carry no flag label and would repeat across rollouts.
  const omit = SERIES.filter((s) => s !== 'app_requests_total');
  const parts = Object.entries(TREATMENT).map(([flag, treatment]) => history({ flag, env: 'production', end: END, hours: 2, treatment, control: HEALTHY, omit: [...omit] }).replace(/# EOF\n?$/, ''));
  prometheus = await startPrometheus({ openMetrics: parts.join('') + '# EOF\n' });
  github = new GitHubServer({ owner: 'octo-org', repo: 'rollouts', token: 'ghs_watch' });
  await github.start();
  // GitHub serves comments on issues and PRs alike (/issues/N/comments); the local server knows PRs only.
  incident = github.addPullRequest({ head: 'incidents', title: 'Rollout incidents' });

  const copy = tempRepo(FIXTURE);
  const envFile = join(copy, 'rollout', 'environments.yaml');
  writeFileSync(envFile, readFileSync(envFile, 'utf8').replace('http://prometheus.invalid:9090', prometheus.url));
  repo = repoFrom(copy, new Date(Date.now() - 3 * 86_400_000).toISOString());
  const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000).toISOString();
  for (const name of ROLLOUTS) advanced.set(name, repo.commit(`rollout/${name}.yaml`, setStage('production', 'half'), `Advance ${name} in production: canary → half`, threeHoursAgo));
}, 240_000);
afterAll(async () => {
  await prometheus?.stop();
  await github?.stop();
});

async function watch(...extra: string[]): Promise<{ code: number; report: WatchReport; by: Record<string, WatchResult>; stderr: string }> {
  const r = await rollgateAsync(['watch', '--once', '--format', 'json', '--issue', String(incident), '--dir', repo.dir, ...extra], {
    env: { GITHUB_REPOSITORY: 'octo-org/rollouts', GITHUB_TOKEN: 'ghs_watch', GITHUB_API_URL: github.url },
  });
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as WatchReport;
  return { code: r.code, report, stderr: r.stderr, by: Object.fromEntries(report.results.map((x) => [x.rollout, x])) };
}

/** Watch-Key trailers on origin's main, newest first. */
function watchKeys(): string[] {
  repo.git('fetch', '-q', 'origin');
  return repo.git('log', 'origin/main', '--format=%(trailers:key=Watch-Key,valueonly,unfold)').split('\n').filter(Boolean);
}
const pullsOpened = () => github.requestsTo('POST', '/repos/octo-org/rollouts/pulls').length;
const percentage = (flag: string) => JSON.parse(readFileSync(join(repo.dir, 'build', 'flags', 'production.flagd.json'), 'utf8')).flags[flag].metadata.percentage;

describe('rollgate watch against backfilled Prometheus, git and GitHub', { timeout: 120_000 }, () => {
  it('--dry-run decides, writes nothing, and exits 1 because actions are due', async () => {
    const main = repo.git('ls-remote', 'origin', 'refs/heads/main');
    const { code, by } = await watch('--dry-run');
    expect(code).toBe(1);
    expect(by['emergency-svc']).toMatchObject({ outcome: 'rollback', status: 'would-act', rollback: { to: 'canary', mode: 'emergency', key: `emergency-svc/production/1/${advanced.get('emergency-svc')}` } });
    expect(by['gradual-svc']).toMatchObject({ outcome: 'rollback', status: 'would-act', rollback: { to: 'canary', mode: 'gradual' } });
    expect(by['hold-svc']).toMatchObject({ outcome: 'hold', status: 'would-act' });
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(main);
    expect(pullsOpened()).toBe(0);
    expect(github.commentsOf(incident)).toEqual([]);
  });

  it('the first run acts once per decision: an emergency commit with a sync, a PR, a hold comment; nothing for a brief spell or no data', async () => {
    const { code, by, report } = await watch();
    expect(code).toBe(0);
    expect(report.results.map((r) => r.rollout)).toEqual(ROLLOUTS);

    expect(by['emergency-svc']).toMatchObject({ stage: 'half', outcome: 'rollback', status: 'acted', sync: { status: 'applied' } });
    expect(by['emergency-svc'].row!.criteria[0]).toMatchObject({ result: 'MATCH', threshold: '> 5' });
    expect(watchKeys()).toEqual([`emergency-svc/production/1/${advanced.get('emergency-svc')}`]);
    const message = repo.git('log', '-1', '--format=%B', 'origin/main');
    expect(message).toMatch(/^Revert "Advance emergency-svc in production: canary → half"/);
    expect(message).toContain('Roll back emergency-svc in production: half → canary (50 % → 10 %)');
    expect(message).toMatch(/\nReason: rollgate watch: row 1 \(CRITICAL\) of the rollback matrix holds at half — errors above 5 % > 5: .*\nWatch-Key: emergency-svc\/production\/1\/[0-9a-f]{40}$/);
    expect(percentage('emergency-svc')).toBe(10);

    expect(by['gradual-svc']).toMatchObject({ outcome: 'rollback', status: 'acted', pullRequest: { created: true } });
    const pr = github.pullRequestOf(by['gradual-svc'].pullRequest!.number);
    expect(pr).toMatchObject({ head: 'rollgate/rollback/gradual-svc/production', title: 'Revert "Advance gradual-svc in production: canary → half"', state: 'open' });
    expect(pr.labels.sort()).toEqual(['rollback', 'rollgate']);

    expect(by['hold-svc']).toMatchObject({ outcome: 'hold', status: 'acted', comment: { issue: incident, created: true } });
    const [comment] = github.commentsOf(incident);
    expect(comment.body).toContain(holdMarker('hold-svc', 'production'));
    expect(comment.body).toContain('rollgate watch: hold-svc in production — hold and investigate');

    // 12 % for 8 minutes is not "above 5 % throughout 30 minutes".
    expect(by['brief-svc']).toMatchObject({ outcome: 'none', status: 'quiet' });
    expect(by['brief-svc'].rows![0]).toMatchObject({ state: 'clear', criteria: [{ result: 'no match' }] });
    expect(by['nodata-svc']).toMatchObject({ outcome: 'inconclusive', status: 'quiet' });
    expect(by['nodata-svc'].advice).toMatch(/could not be measured/);
    expect(percentage('brief-svc')).toBe(50);
    expect(percentage('nodata-svc')).toBe(50);
  });

  it('two more runs with every condition still holding add no commit, no PR and no comment', async () => {
    const first = github.commentsOf(incident)[0];
    for (let run = 2; run <= 3; run++) {
      const { code, by } = await watch();
      expect(code).toBe(0);
      // Rolled back to canary moments ago: the row must hold for its whole span in canary first.
      expect(by['emergency-svc']).toMatchObject({ stage: 'canary', outcome: 'waiting', status: 'quiet' });
      expect(by['emergency-svc'].advice).toMatch(/canary was entered .*this row reads 15m of evidence/);
      expect(by['gradual-svc']).toMatchObject({ stage: 'half', outcome: 'rollback', status: 'already-done' });
      expect(by['gradual-svc'].detail).toMatch(/^already proposed in PR #\d+ .* \(open\)$/);
      expect(by['hold-svc']).toMatchObject({ outcome: 'hold', status: 'acted', comment: { id: first.id, created: false } });
      expect(by['brief-svc'].outcome).toBe('none');
      expect(by['nodata-svc'].outcome).toBe('inconclusive');
    }
    expect(watchKeys()).toHaveLength(1);
    expect(pullsOpened()).toBe(1);
    expect(github.commentsOf(incident)).toHaveLength(1);
    expect(percentage('emergency-svc')).toBe(10);
  });

  it('rolls back a second stage only once the row has held again in the new stage for its for + window, and never from the first stage', async () => {
    const git = gitAt(repo.dir);
    const model = (await validateRepository(repo.dir)).model;
    const provider = prometheusProvider(new HttpClient({ baseUrl: prometheus.url, retries: 0 }), { time: END });
    const ports = (offsetMs: number) => ({
      git,
      mainBranch: 'main',
      provider: () => provider,
      noGitHub: 'not in this test',
      now: () => Date.now() + offsetMs,
      actions: {
        emergency: async (path: string, request: Parameters<typeof emergencyRollback>[1]) => {
          const r = await emergencyRollback({ dir: repo.dir, git, mainBranch: 'main', path, openStore: () => flagdFileStore(join(repo.dir, 'build', 'flags', 'production.flagd.json')) }, request);
          return { commit: r.commit, summary: r.plan.summary, attempts: r.attempts, sync: { status: r.sync.status, writes: r.sync.writes } };
        },
        pullRequest: async () => {
          throw new Error('no PR in this test');
        },
      },
    });
    const canaryEntry = repo.head();
    // 16 minutes into canary (its span is for 10m + window 5m), the errors still above 5 %.
    const later = await watchOnce(model, ports(16 * 60_000), { rollout: 'emergency-svc', dryRun: false });
    expect(later.results[0]).toMatchObject({ stage: 'canary', outcome: 'rollback', status: 'acted', rollback: { to: 'off', key: `emergency-svc/production/1/${canaryEntry}` } });
    expect(watchKeys()).toEqual([`emergency-svc/production/1/${canaryEntry}`, `emergency-svc/production/1/${advanced.get('emergency-svc')}`]);
    expect(percentage('emergency-svc')).toBe(0);

    // At the first stage `previous` is nowhere: once the row holds there too, it holds and asks for an investigation.
    const reloaded = (await validateRepository(repo.dir)).model;
    const bottom = await watchOnce(reloaded, ports(16 * 60_000), { rollout: 'emergency-svc', dryRun: false });
    expect(bottom.results[0]).toMatchObject({ stage: 'off', outcome: 'hold', status: 'not-done' });
    expect(bottom.results[0].advice).toContain('off is the first stage: nothing to go back to: hold');
    expect(watchKeys()).toHaveLength(2);
  });
});

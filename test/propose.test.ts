// The progression bot against a bare origin, a Prometheus whose answer a test sets, and the
// local GitHub server (with the auto-merge mutation), run as the workflow runs it: the CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rollgateAsync, ROOT } from './helpers/cli.ts';
import { FakePrometheus } from './helpers/fake-prometheus.ts';
import { repoFrom, setStage, type Repo } from './helpers/git.ts';
import { GitHubServer } from './helpers/github-server.ts';

const TOKEN = 'ghs_propose_token';
const FILE = 'rollout/checkout.yaml';
const ENVS = 'rollout/environments.yaml';
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

let github: GitHubServer;
let errorRate = 0.2;
const prometheus = new FakePrometheus(() => errorRate);
beforeAll(() => prometheus.start());
afterAll(() => prometheus.stop());
// Each test is its own GitHub repository: bot PRs of one test must not meet another's.
beforeEach(async () => {
  github = new GitHubServer({ owner: 'octo-org', repo: 'rollouts', token: TOKEN });
  await github.start();
});
afterEach(() => github.stop());

/** A repository with the attack fixture's checkout rollout (canary in both environments, 72 h ago), progression `mode`. */
function repo(mode: 'propose' | 'auto', edit: (dir: string) => void = () => {}): Repo {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-propose-'));
  cpSync(join(ROOT, 'test', 'fixtures', 'attack'), dir, { recursive: true });
  const envs = join(dir, ENVS);
  writeFileSync(envs, readFileSync(envs, 'utf8').replaceAll('PROMETHEUS_URL', prometheus.url).replace('  approverGroups:\n', `  progression:\n    default: ${mode}\n    maxOpenProposals: 3\n  approverGroups:\n`));
  edit(dir);
  return repoFrom(dir, ago(72));
}
const edit = (path: string, f: (t: string) => string) => (dir: string) => writeFileSync(join(dir, path), f(readFileSync(join(dir, path), 'utf8')));

const run = async (r: Repo, ...args: string[]) => {
  const out = await rollgateAsync(['propose', '--dir', r.dir, '--format', 'json', ...args], { env: { GITHUB_REPOSITORY: 'octo-org/rollouts', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, PROM_TOKEN: 'p' } });
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as { rollout: string; env: string; from: string; to: string; action: string; pr?: number; readiness?: { why: string[]; waitsFor: string[] } }[];
};
/** Merges a bot PR as GitHub would: main moves to a merge of the branch, pushed. */
function merge(r: Repo, number: number) {
  const pr = github.pullRequestOf(number);
  r.git('checkout', '-q', 'main');
  r.git('pull', '-q', '--ff-only', 'origin', 'main');
  r.git('fetch', '-q', 'origin', pr.head);
  execFileSync('git', ['merge', '-q', '--no-ff', '-m', `Merge #${number}`, 'FETCH_HEAD'], { cwd: r.dir, env: { ...process.env, GIT_AUTHOR_NAME: 'GitHub', GIT_AUTHOR_EMAIL: 'noreply@github.com', GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' } });
  r.git('push', '-q', 'origin', 'main');
  github.mergePullRequest(number, { mergedAt: new Date().toISOString(), mergeCommitSha: r.head() });
}

describe('rollgate propose', { timeout: 180_000 }, () => {
  it('a ready step opens exactly one PR across repeated runs; production waits for staging', async () => {
    errorRate = 0.2;
    const r = repo('propose');
    const first = await run(r);
    expect(first.map((x) => [x.env, x.from, x.to, x.action])).toEqual([
      ['staging', 'canary', 'staged', 'opened'],
      ['production', 'canary', 'staged', 'waiting'],
    ]);
    expect(first[1].readiness!.why).toEqual(['staging is at canary: production follows it into staged']);
    const again = await run(r);
    expect(again[0].action).toBe('updated');
    expect(again[0].pr).toBe(first[0].pr);
    const pr = github.pullRequestOf(first[0].pr!);
    expect(pr.labels).toContain('rollgate-proposal');
    expect(pr.body).toContain('**Proposed automatically**');
    expect(pr.body).toContain('- 1 approval from sre');
    expect(pr.body).toMatch(/Gate definition from `[0-9a-f]{40} \([0-9a-f]{7}\)`/);
    expect(github.autoMergeOf(first[0].pr!)).toBeUndefined(); // propose mode: people merge
    // The branch holds the one-line advance.
    r.git('fetch', '-q', 'origin', pr.head);
    expect(r.git('diff', 'origin/main', 'FETCH_HEAD', '--stat')).toContain('1 file changed, 1 insertion(+), 1 deletion(-)');

    // The gate turns NO-GO: the PR is commented on and closed, with the reason.
    errorRate = 5;
    const bad = await run(r);
    expect(bad[0].action).toBe('closed');
    expect(github.pullRequestOf(first[0].pr!).state).toBe('closed');
    const comment = github.commentsOf(first[0].pr!).at(-1)!.body;
    expect(comment).toContain('not ready any more');
    expect(comment).toContain('must-pass "error_rate" is FAIL');
    expect((await run(r))[0].action).toBe('waiting');
  });

  it('auto mode enables auto-merge; the bot never merges itself', async () => {
    errorRate = 0.2;
    const r = repo('auto');
    const [staging] = await run(r);
    expect(staging.action).toBe('opened');
    expect(github.autoMergeOf(staging.pr!)).toEqual(expect.objectContaining({ mergeMethod: 'SQUASH' }));
    expect(github.pullRequestOf(staging.pr!).state).toBe('open');
  });

  it('a freeze stops every proposal', async () => {
    errorRate = 0.2;
    const r = repo('propose', edit(ENVS, (t) => t.replace('  approverGroups:\n', "  freeze:\n    reason: INC-7 payments outage\n  approverGroups:\n")));
    const results = await run(r);
    expect(results.map((x) => x.action)).toEqual(['waiting', 'waiting']);
    expect(results[0].readiness!.why).toContain('staging is frozen: INC-7 payments outage');
  });

  it("production waits for staging's bake in the stage it enters", async () => {
    errorRate = 0.2;
    const r = repo('propose', edit(FILE, setStage('staging', 'staged')));
    const results = await run(r);
    const production = results.find((x) => x.env === 'production')!;
    expect(production.action).toBe('opened'); // staging entered staged 72 h ago: baked
  });

  it("production waits while staging is still baking in that stage", async () => {
    errorRate = 0.2;
    const fresh = repo('propose');
    fresh.commit(FILE, setStage('staging', 'staged'), 'Staging to staged', ago(2));
    const waiting = (await run(fresh)).find((x) => x.env === 'production')!;
    expect(waiting.action).toBe('waiting');
    expect(waiting.readiness!.why[0]).toMatch(/^staging has been in staged for 2h\d*m?\d*s? of its 24h bake: production follows after it$/);
    // status says the same: production's next step, and from when bake and promotion order allow it.
    const status = await rollgateAsync(['status', '--dir', fresh.dir, '--format', 'json']);
    const row = (JSON.parse(status.stdout).rollouts as { env: string; next: { stage: string; progression: string; readyAt: string } }[]).find((x) => x.env === 'production')!;
    expect(row.next.stage).toBe('staged');
    expect(row.next.progression).toBe('propose');
    expect(Math.abs(Date.parse(row.next.readyAt) - (Date.now() + 22 * 3_600_000))).toBeLessThan(5 * 60_000);
  });

  it('end to end: repeated runs and merges walk a rollout to 100 % in both environments; a failing metric stops it midway', async () => {
    const noBake = (dir: string) => edit(FILE, (t) => t.replace(/, bake: 24h/g, ''))(dir);
    for (const failAfter of [Infinity, 2]) {
      errorRate = 0.2;
      const r = repo('propose', noBake);
      const steps: string[] = [];
      for (let round = 0; round < 8; round++) {
        if (round >= failAfter) errorRate = 5;
        const main = r.git('rev-parse', 'origin/main');
        const results = await run(r);
        const opened = results.filter((x) => x.action === 'opened' || x.action === 'updated');
        if (!opened.length) break;
        for (const o of opened) {
          // Every step is a PR whose gate came from main as it was when the bot ran.
          expect(github.pullRequestOf(o.pr!).body).toContain(`Gate definition from \`${main}`);
          merge(r, o.pr!);
          steps.push(`${o.env} ${o.from}→${o.to}`);
        }
        if (steps.length > 6) throw new Error(`no progress: ${steps.join(', ')}; main is ${r.git('show', 'origin/main:' + FILE)}`);
        {
        }
      }
      const text = r.git('show', 'origin/main:' + FILE);
      if (failAfter === Infinity) {
        expect(steps).toEqual(['staging canary→staged', 'staging staged→full', 'production canary→staged', 'production staged→full']);
        expect(text).toMatch(/staging:\n\s+stage: full/);
        expect(text).toMatch(/production:\n\s+stage: full/);
      } else {
        expect(steps).toEqual(['staging canary→staged', 'staging staged→full', 'production canary→staged']);
        expect(text).toMatch(/production:\n\s+stage: staged/);
      }
    }
  });
});

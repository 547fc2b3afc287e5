import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate, ROOT } from './helpers/cli.ts';
import { flagFile, usersOn } from './helpers/flagd.ts';
import { repoFrom } from './helpers/git.ts';
import { commitRollouts, revertAndPush, rolloutFile } from './helpers/rollout-edits.ts';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'sync');
const REASON = 'managed by rollgate but no rollout names it';

function sync(dir: string, ...args: string[]) {
  const r = rollgate(['sync', '--dir', dir, '--format', 'json', ...args]);
  return { ...r, out: r.stdout ? JSON.parse(r.stdout) : undefined };
}

const flagsOf = (dir: string, env = 'production') => JSON.parse(readFileSync(flagFile(dir, env), 'utf8')).flags;

/** A second rollout, at 50 % in both environments. */
const SEARCH = rolloutFile('search', 'search-v2', { staging: 'staged', production: 'staged' });

/** A flag someone put in the production file by hand: rollgate never managed it. */
const THEIRS = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on', metadata: { owner: 'payments' } };

describe('orphans in the flagd file: a managed flag no rollout names any more is turned off', () => {
  it('removing a rollout at 50 %: --check and status show it, sync turns it off and keeps it, a second sync writes nothing, git revert turns it back on', () => {
    const repo = repoFrom(FIXTURE);
    mkdirSync(dirname(flagFile(repo.dir)), { recursive: true });
    writeFileSync(flagFile(repo.dir), JSON.stringify({ $schema: 'https://flagd.dev/schema/v0/flags.json', flags: { 'payments-theirs': THEIRS } }, null, 2));
    writeFileSync(join(repo.dir, 'rollout', 'search.yaml'), SEARCH);
    commitRollouts(repo, 'Add the search rollout');
    expect(sync(repo.dir).code).toBe(0);
    const at50 = usersOn(repo.dir, 'search-v2');
    expect(Math.abs(at50.size / 100 - 50)).toBeLessThanOrEqual(1.5);

    repo.git('rm', '-q', 'rollout/search.yaml');
    const removal = commitRollouts(repo, 'Remove the search rollout');
    const text = readFileSync(flagFile(repo.dir), 'utf8');

    const check = rollgate(['sync', '--dir', repo.dir, '--check']);
    expect(check.code).toBe(3);
    expect(check.stdout).toContain(`drift in 2 flags: staging/search-v2 (${REASON}), production/search-v2 (${REASON})`);
    const checkJson = sync(repo.dir, '--check');
    expect(checkJson.code).toBe(3);
    expect(checkJson.out.environments[1]).toMatchObject({ env: 'production', status: 'drift', changes: [], orphans: [{ key: 'search-v2', steps: ['disable'], from: { enabled: true, percentage: 50 }, reason: REASON }] });

    const status = JSON.parse(rollgate(['status', '--dir', repo.dir, '--format', 'json']).stdout);
    expect(status.orphans).toEqual([
      { env: 'staging', flag: 'search-v2', store: { percentage: 50, enabled: true }, drift: true },
      { env: 'production', flag: 'search-v2', store: { percentage: 50, enabled: true }, drift: true },
    ]);
    expect(rollgate(['status', '--dir', repo.dir]).stdout).toMatch(new RegExp(`${REASON}[^]*\\n  production\\s+search-v2\\s+50 % on\\n`));

    const dry = rollgate(['sync', '--dir', repo.dir, '--dry-run', '--env', 'production']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`- search-v2 +orphan +${REASON}: turn off \\(50 %, on → off; kept in the store\\)`));
    expect(readFileSync(flagFile(repo.dir), 'utf8')).toBe(text);

    const applied = sync(repo.dir);
    expect(applied.code).toBe(0);
    expect(applied.out.environments.map((e: { status: string; applied: string[] }) => [e.status, e.applied])).toEqual([['applied', ['search-v2']], ['applied', ['search-v2']]]);
    expect(usersOn(repo.dir, 'search-v2').size).toBe(0);
    expect(usersOn(repo.dir, 'search-v2', 10_000, 'staging').size).toBe(0);
    const kept = flagsOf(repo.dir)['search-v2'];
    expect(kept.state).toBe('DISABLED'); // kept in the file, its split untouched: a revert turns it back on with the same users
    expect(kept.targeting.if[2].fractional.slice(1)).toEqual([['on', 50_000], ['off', 50_000]]);
    expect(kept.metadata.managedBy).toBeUndefined();
    expect(kept.metadata.rollgateOrphanedAt).toBe(removal);
    expect(flagsOf(repo.dir)['payments-theirs']).toEqual(THEIRS);
    expect(usersOn(repo.dir, 'checkout-v2').size).toBeGreaterThan(800);

    const after = rollgate(['sync', '--dir', repo.dir, '--check']);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('no drift');
    expect(JSON.parse(rollgate(['status', '--dir', repo.dir, '--format', 'json']).stdout).orphans).toEqual([]);

    const mtime = statSync(flagFile(repo.dir)).mtimeMs;
    const settled = readFileSync(flagFile(repo.dir), 'utf8');
    const again = sync(repo.dir);
    expect(again.code).toBe(0);
    expect(again.out.environments.map((e: { writes: number }) => e.writes)).toEqual([0, 0]);
    expect(statSync(flagFile(repo.dir)).mtimeMs).toBe(mtime);
    expect(readFileSync(flagFile(repo.dir), 'utf8')).toBe(settled);

    revertAndPush(repo, removal);
    const back = sync(repo.dir);
    expect(back.code).toBe(0);
    expect(back.out.environments[1].changes).toEqual([expect.objectContaining({ key: 'search-v2', steps: ['enable'] })]); // its split was kept: only turned back on
    expect(usersOn(repo.dir, 'search-v2')).toEqual(at50); // the same users as before the removal
    expect(flagsOf(repo.dir)['search-v2'].metadata.managedBy).toBe('rollgate');
    expect(flagsOf(repo.dir)['payments-theirs']).toEqual(THEIRS);
    expect(rollgate(['sync', '--dir', repo.dir, '--check']).code).toBe(0);
  });

  it("renaming a rollout's flag key: the old key off, the new key on", () => {
    const repo = repoFrom(FIXTURE);
    expect(sync(repo.dir).code).toBe(0);
    const rename = repo.commit('rollout/checkout.yaml', (t) => t.replace('flag: checkout-v2', 'flag: checkout-v3'), 'Rename the checkout flag');
    const r = sync(repo.dir, '--env', 'production');
    expect(r.code).toBe(0);
    const env = r.out.environments[0];
    expect(env.changes.map((c: { key: string; steps: string[] }) => [c.key, c.steps])).toEqual([
      ['checkout-v3', ['create', 'set-percentage', 'enable']],
      ['checkout-v3.shadow', ['create', 'set-percentage']],
    ]);
    expect(env.orphans.map((o: { key: string; steps: string[] }) => [o.key, o.steps])).toEqual([
      ['checkout-v2', ['disable']],
      ['checkout-v2.shadow', []], // already off (not in a shadow stage): only dropped from the managed set
    ]);
    expect(usersOn(repo.dir, 'checkout-v2').size).toBe(0);
    expect(Math.abs(usersOn(repo.dir, 'checkout-v3').size / 100 - 10)).toBeLessThanOrEqual(1.5);
    const flags = flagsOf(repo.dir);
    expect(flags['checkout-v2.shadow'].metadata.managedBy).toBeUndefined();
    expect(flags['checkout-v2.shadow'].state).toBe('DISABLED');
    expect(sync(repo.dir, '--env', 'production').out.environments[0].writes).toBe(0);

    revertAndPush(repo, rename);
    expect(sync(repo.dir, '--env', 'production').code).toBe(0);
    expect(Math.abs(usersOn(repo.dir, 'checkout-v2').size / 100 - 10)).toBeLessThanOrEqual(1.5);
    expect(usersOn(repo.dir, 'checkout-v3').size).toBe(0);
  });

  it("removing one environment entry turns that environment's flag off and leaves the other environment alone", () => {
    const repo = repoFrom(FIXTURE);
    expect(sync(repo.dir).code).toBe(0);
    const staging = flagsOf(repo.dir, 'staging');
    const stagingOn = usersOn(repo.dir, 'checkout-v2', 10_000, 'staging');
    repo.commit('rollout/checkout.yaml', (t) => t.replace(/\n    production:\n      stage: \w+/, ''), 'Checkout only in staging');
    const check = rollgate(['sync', '--dir', repo.dir, '--check']);
    expect(check.code).toBe(3);
    expect(check.stdout).toContain(`drift in 2 flags: production/checkout-v2 (${REASON}), production/checkout-v2.shadow (${REASON})`);
    const r = sync(repo.dir);
    expect(r.code).toBe(0);
    expect(r.out.environments.map((e: { env: string; writes: number; orphans: unknown[] }) => [e.env, e.writes, e.orphans.length])).toEqual([['staging', 1, 0], ['production', 1, 2]]); // staging: the new SHA only
    expect(usersOn(repo.dir, 'checkout-v2').size).toBe(0);
    expect(flagsOf(repo.dir, 'staging')).toEqual(staging);
    expect(usersOn(repo.dir, 'checkout-v2', 10_000, 'staging')).toEqual(stagingOn);
    expect(rollgate(['sync', '--dir', repo.dir, '--check']).code).toBe(0);
  });

  it('a flag rollgate never managed is never touched, even when it looks like one of its own', () => {
    const repo = repoFrom(FIXTURE);
    expect(sync(repo.dir, '--env', 'production').code).toBe(0);
    const file = JSON.parse(readFileSync(flagFile(repo.dir), 'utf8'));
    // Same shape as rollgate's flags, but no managedBy marker: someone wrote it by hand.
    const handmade = { ...file.flags['checkout-v2'], metadata: { owner: 'search-team' } };
    file.flags['search-handmade'] = handmade;
    writeFileSync(flagFile(repo.dir), JSON.stringify(file, null, 2));
    const check = rollgate(['sync', '--dir', repo.dir, '--check', '--env', 'production']);
    expect(check.code).toBe(0);
    const r = sync(repo.dir, '--env', 'production');
    expect(r.out.environments[0]).toMatchObject({ writes: 0, orphans: [] });
    expect(flagsOf(repo.dir)['search-handmade']).toEqual(handmade);
  });

  it('a flag let go at 0 % and named again by a revert is managed again, though nothing about it had to change', () => {
    const repo = repoFrom(FIXTURE);
    repo.commit('rollout/checkout.yaml', (t) => t.replace(/(\n    production:\n      stage: )\w+/, '$1shadow'), 'Production at shadow');
    expect(sync(repo.dir, '--env', 'production').code).toBe(0);
    const removal = repo.commit('rollout/checkout.yaml', (t) => t.replace(/\n    production:\n      stage: \w+/, ''), 'Checkout out of production');
    const r = sync(repo.dir, '--env', 'production');
    expect(r.out.environments[0].orphans.map((o: { key: string; steps: string[] }) => [o.key, o.steps])).toEqual([
      ['checkout-v2', []], // at 0 %: already off
      ['checkout-v2.shadow', ['disable']],
    ]);
    expect(flagsOf(repo.dir)['checkout-v2'].metadata.managedBy).toBeUndefined();

    revertAndPush(repo, removal);
    const back = sync(repo.dir, '--env', 'production');
    expect(back.out.environments[0].changes.map((c: { key: string }) => c.key)).toEqual(['checkout-v2.shadow']); // checkout-v2 already matches
    expect(flagsOf(repo.dir)['checkout-v2'].metadata.managedBy).toBe('rollgate');
    repo.commit('rollout/checkout.yaml', (t) => t.replace(/\n    production:\n      stage: \w+/, ''), 'Checkout out of production again');
    const check = rollgate(['sync', '--dir', repo.dir, '--check', '--env', 'production']);
    expect(check.code).toBe(3);
    expect(check.stdout).toContain(`production/checkout-v2 (${REASON})`);
  });
});

import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeIdentity } from '../scripts/rules/code-identity.ts';
import { validateRepository, type Validation } from '../scripts/rules/validate-repository.ts';
import { rollgate, ROOT, tempRepo } from './helpers/cli.ts';

/** This repository's own config: every kind of file, and rules across them. */
function configCopy(): string {
  const dir = tempRepo();
  for (const folder of ['rollout', 'alerts', 'schemas']) cpSync(join(ROOT, folder), join(dir, folder), { recursive: true });
  return dir;
}

const comparable = (v: Validation) => ({ ok: v.ok, files: v.files, diagnostics: v.diagnostics, sources: Object.fromEntries([...v.sources].sort()) });

describe('the check cache gives what a cold run gives, diagnostic for diagnostic', () => {
  const dir = configCopy();
  const cache = { dir: mkdtempSync(join(tmpdir(), 'rollgate-cache-')), code: codeIdentity() };
  const edit = (path: string, change: (text: string) => string) => {
    const before = readFileSync(join(dir, path), 'utf8');
    const after = change(before);
    expect(after).not.toBe(before);
    writeFileSync(join(dir, path), after);
    return () => writeFileSync(join(dir, path), before);
  };
  /** A cached run and a cold one over the same files: equal, and the cached one checked `fresh` files afresh. */
  const same = async (fresh: number) => {
    const cached = await validateRepository(dir, { cache });
    const cold = await validateRepository(dir);
    expect(comparable(cached)).toEqual(comparable(cold));
    expect(cached.checked).toBe(fresh);
    expect(cold.checked).toBe(cold.files);
    return cold;
  };

  it('fills the cache, then checks nothing again', async () => {
    const first = await validateRepository(dir, { cache });
    expect(first.checked).toBe(first.files);
    await same(0);
  });

  // Each edit changes one file; the rules across files then report on files that did not change.
  const edits: [kind: string, path: string, change: (t: string) => string, expected: string][] = [
    ['Rollout: a gate on an unknown metric', 'rollout/qb-td-calculator-v2.yaml', (t) => t.replace('metric: error_rate', 'metric: error_rate_typo'), 'gate/unknown-metric'],
    ['Rollout: broken YAML', 'rollout/qb-td-calculator-v2.yaml', (t) => `${t}  broken: [\n`, 'yaml/syntax'],
    ['Metrics: a metric renamed that gates and alerts use', 'rollout/metrics.yaml', (t) => t.replace(/^ {4}error_rate:$/m, '    error_ratio:'), 'gate/unknown-metric'],
    ['Environments: production renamed', 'rollout/environments.yaml', (t) => t.replace(/^ {4}production:$/m, '    prod:'), 'rollout/unknown-environment'],
    ['AlertRules: an unknown channel', 'alerts/cohort-analyzer.yaml', (t) => t.replace('notify: [', 'notify: [no-such-channel, '), 'alert/unknown-channel'],
    ['Channels: a channel renamed that alerts notify', 'alerts/channels.yaml', (t) => t.replace(/^ {4}slack-alerts-warnings:$/m, '    slack-warnings:'), 'alert/unknown-channel'],
  ];
  it.each(edits)('%s', async (_, path, change, expected) => {
    const restore = edit(path, change);
    const broken = await same(1);
    expect(broken.diagnostics.map((d) => d.code)).toContain(expected);
    restore();
    await same(1); // its old result was replaced: checked again, and equal again
    await same(0);
  });

  it('a file removed, a file added, a file rewritten with the same bytes', async () => {
    const alerts = readFileSync(join(dir, 'alerts/cohort-analyzer.yaml'), 'utf8');
    rmSync(join(dir, 'alerts/cohort-analyzer.yaml'));
    await same(0);
    writeFileSync(join(dir, 'rollout/copy.yaml'), readFileSync(join(dir, 'rollout/cohort-analyzer.yaml'), 'utf8')); // the same name and flag twice
    const added = await same(1);
    expect(added.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['rollout/duplicate-name', 'rollout/duplicate-flag']));
    rmSync(join(dir, 'rollout/copy.yaml'));
    writeFileSync(join(dir, 'alerts/cohort-analyzer.yaml'), alerts);
    await same(1); // the pack keeps the files there are: one put back is checked again
    writeFileSync(join(dir, 'alerts/cohort-analyzer.yaml'), alerts); // a new mtime, the bytes the cache holds
    await same(0);
  });

  it('a result from other code is never used', async () => {
    const other = await validateRepository(dir, { cache: { ...cache, code: 'other code' } });
    expect(other.checked).toBe(other.files);
  });

  it('the CLI: cached by default, --no-cache and ROLLGATE_CACHE=off check every file, the same output', () => {
    const env = { ROLLGATE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'rollgate-cache-')), ROLLGATE_CACHE: undefined }; // the helper turns it off
    const restore = edit('rollout/metrics.yaml', (t) => t.replace(/^ {4}error_rate:$/m, '    error_ratio:'));
    const runs = [
      rollgate(['validate', '--dir', dir, '--format', 'json'], { env }),
      rollgate(['validate', '--dir', dir, '--format', 'json'], { env }),
      rollgate(['validate', '--dir', dir, '--format', 'json', '--no-cache'], { env }),
      rollgate(['validate', '--dir', dir, '--format', 'json'], { env: { ...env, ROLLGATE_CACHE: 'off' } }),
    ];
    const packs = readdirSync(env.ROLLGATE_CACHE_DIR, { recursive: true }).filter((f) => String(f).endsWith('.json'));
    expect(packs.length).toBeGreaterThan(0); // the first run filled it
    restore();
    for (const r of runs) expect(r).toMatchObject({ code: 1, stderr: '', stdout: runs[2].stdout });
    expect(JSON.parse(runs[0].stdout).diagnostics.map((d: { code: string }) => d.code)).toContain('gate/unknown-metric');
  });
});

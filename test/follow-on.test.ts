import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { ROOT, tempRepo } from './helpers/cli.ts';

const MINIMAL = join(ROOT, 'test', 'fixtures', 'valid', 'minimal');
const minimal = (path: string, from: string, to: string) => {
  const text = readFileSync(join(MINIMAL, path), 'utf8');
  if (!text.includes(from)) throw new Error(`${path} has no ${from}`);
  return text.replace(from, to);
};

/** A file that fails to load must not make every reference to it an error of its own. */
describe('no follow-on errors from a file that failed to load', () => {
  it.each([
    ['rollout/metrics.yaml', 'apiVersion: rollgate/v1\nkind: Metrics\nmetadata: {name: metrics}\nspec:\n  metrics: [unclosed\n', ['gate/unknown-metric']],
    ['alerts/channels.yaml', 'apiVersion: rollgate/v1\nkind: Channels\nmetadata: {name: channels}\nspec: {channels: {pd: {type: pager}}}\n', ['alert/unknown-channel', 'alert/paging-required', 'repo/missing-environments']],
    ['rollout/environments.yaml', 'kind: Environments\n\tspec: {}\n', ['rollout/unknown-environment', 'gate/unknown-approver-group', 'repo/missing-environments']],
    ['rollout/checkout.yaml', 'apiVersion: rollgate/v1\nkind: Rollout\nmetadata: {name: checkout}\nspec: {flag: 12 13}\n', ['alert/unknown-rollout']],
    // One item in error: the rest of the file loads, and nothing refers to the item as unknown.
    ['rollout/environments.yaml', minimal('rollout/environments.yaml', '    production:\n      store:\n        type: flagd', '    production:\n      store:\n        type: flagdd'), ['rollout/unknown-environment', 'env/promotion-order', 'gate/unknown-approver-group']],
    ['rollout/checkout.yaml', minimal('rollout/checkout.yaml', '    - name: canary\n      percentage: 10', '    - name: canary\n      percentage: ten'), ['rollout/unknown-stage', 'rollback/unknown-stage', 'alert/rollback-stage', 'gate/first-stage']],
    ['rollout/metrics.yaml', minimal('rollout/metrics.yaml', 'unit: percent', 'unit: per_cent'), ['gate/unknown-metric']],
  ])('a broken %s reports itself and nothing that follows from it', async (path, text, absent) => {
    const dir = tempRepo(MINIMAL);
    writeFileSync(join(dir, path), text);
    const v = await validateRepository(dir);
    expect(v.ok).toBe(false);
    expect(v.diagnostics.filter((d) => d.file === path).length).toBeGreaterThan(0);
    expect(v.diagnostics.filter((d) => absent.includes(d.code))).toEqual([]);
  });

  it('still reports a reference that is really unknown when every file loaded', async () => {
    const dir = tempRepo(MINIMAL);
    const v0 = await validateRepository(dir);
    expect(v0.diagnostics).toEqual([]);
    const rollout = v0.model.rollouts[0].file;
    writeFileSync(join(dir, rollout.path), rollout.text.replace(/metric: (\w+)/, 'metric: no_such_metric'));
    const v = await validateRepository(dir);
    expect(v.diagnostics.map((d) => d.code)).toContain('gate/unknown-metric');
  });
});

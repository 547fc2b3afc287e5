import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { ROOT, tempRepo } from './helpers/cli.ts';

const MINIMAL = join(ROOT, 'test', 'fixtures', 'valid', 'minimal');

/** A file that fails to load must not make every reference to it an error of its own. */
describe('no follow-on errors from a file that failed to load', () => {
  it.each([
    ['rollout/metrics.yaml', 'apiVersion: rollgate/v1\nkind: Metrics\nmetadata: {name: metrics}\nspec:\n  metrics: [unclosed\n', ['gate/unknown-metric']],
    ['alerts/channels.yaml', 'apiVersion: rollgate/v1\nkind: Channels\nmetadata: {name: channels}\nspec: {channels: {pd: {type: pager}}}\n', ['alert/unknown-channel', 'alert/paging-required', 'repo/missing-environments']],
    ['rollout/environments.yaml', 'kind: Environments\n\tspec: {}\n', ['rollout/unknown-environment', 'gate/unknown-approver-group', 'repo/missing-environments']],
    ['rollout/checkout.yaml', 'apiVersion: rollgate/v1\nkind: Rollout\nmetadata: {name: checkout}\nspec: {flag: 12 13}\n', ['alert/unknown-rollout']],
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

// Rules that keep what validate accepts and what the stores hold one and the same: percentages
// every configured store holds exactly, the derived `.shadow` keys reserved, and a flagd store
// that says where its file goes (a path, or a branch that is not main). Each row names the
// offending text at the expected line.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../scripts/config/model.ts';
import { parseConfig } from '../scripts/config/parse.ts';
import { storeSettings } from '../scripts/rules/env/store-settings.ts';
import { runRules, type Rule } from '../scripts/rules/rule.ts';
import { percentagePrecision } from '../scripts/rules/rollout/percentage-precision.ts';
import { reservedFlagKey } from '../scripts/rules/rollout/reserved-flag-key.ts';

const ENVS = 'rollout/environments.yaml';

/** Stores of staging (line 9) and production (line 10). */
const environments = (staging: string, production: string) => `apiVersion: rollgate/v1
kind: Environments
metadata:
  name: environments
spec:
  mainBranch: main
  promotionOrder: [staging, production]
  environments:
    staging: { store: ${staging}, metrics: { type: none } }
    production: { store: ${production}, metrics: { type: none } }
`;

const FLAGD = '{ type: flagd, path: build/flags/x.flagd.json }';
const UNLEASH = '{ type: unleash, url: "http://127.0.0.1:4242", project: default, environment: production, tokenEnv: UNLEASH_ADMIN_TOKEN }';

/** Stages from line 8, one per line; flag on line 6. */
const rollout = (name: string, flag: string, percentages: number[], envs: string[] = ['staging', 'production'], shadow = false) => `apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: ${name}
spec:
  flag: ${flag}
  stages:
${shadow ? '    - { name: shadow, percentage: 0, shadow: true }\n' : ''}${percentages.map((p, i) => `    - { name: s${i}, percentage: ${p} }\n`).join('')}  environments:
${envs.map((e) => `    ${e}: { stage: s0 }\n`).join('')}`;

function check(rule: Rule, files: Record<string, string>) {
  const parsed = Object.entries(files).map(([path, text]) => {
    const p = parseConfig(path, new TextEncoder().encode(text));
    if (!p.ok) throw new Error(`${path} does not load: ${p.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ')}`);
    return p;
  });
  return runRules(buildModel(parsed), [rule]).map((d) => ({ file: d.file, line: d.line, at: files[d.file].split('\n')[d.line - 1].slice(d.col - 1), message: d.message, hint: d.hint }));
}

describe('rollout/percentage-precision', () => {
  it.each([
    { name: 'flagd only: thousandths of a percent are fine', stores: [FLAGD, FLAGD], percentages: [0.5, 12.345, 100], want: [] },
    { name: 'flagd only: 12.3456 is finer than the file splits', stores: [FLAGD, FLAGD], percentages: [12.3456, 100], want: [[8, '12.3456', 'thousandths', 'use 12.346']] },
    { name: 'Unleash in production: whole percents only', stores: [FLAGD, UNLEASH], percentages: [0.5, 12.5, 100], want: [[8, '0.5', 'production keeps flags in Unleash', 'use 0 or 1'], [9, '12.5', 'whole percents', 'use 12 or 13']] },
    { name: 'Unleash in production, whole percents: fine', stores: [FLAGD, UNLEASH], percentages: [1, 12, 100], want: [] },
  ])('$name', ({ stores, percentages, want }) => {
    const found = check(percentagePrecision, { [ENVS]: environments(stores[0], stores[1]), 'rollout/checkout.yaml': rollout('checkout', 'checkout-v2', percentages) });
    expect(found.map((f) => [f.line, f.at.split(' ')[0], f.message, f.hint])).toEqual(want.map(([line, at, message, hint]) => [line, at, expect.stringContaining(message as string), hint]));
  });

  it('only the environments a rollout names count: a rollout only in staging (flagd) may serve 12.5 %', () => {
    const files = { [ENVS]: environments(FLAGD, UNLEASH), 'rollout/checkout.yaml': rollout('checkout', 'checkout-v2', [12.5, 100], ['staging']) };
    expect(check(percentagePrecision, files)).toEqual([]);
  });
});

describe('rollout/reserved-flag-key', () => {
  it("a flag ending in .shadow is refused, naming the rollout whose shadow flag it would take over", () => {
    const files = {
      [ENVS]: environments(FLAGD, FLAGD),
      'rollout/checkout.yaml': rollout('checkout', 'checkout-v2', [10, 100], undefined, true),
      'rollout/takeover.yaml': rollout('takeover', 'checkout-v2.shadow', [10, 100]),
    };
    const found = check(reservedFlagKey, files);
    expect(found).toEqual([{ file: 'rollout/takeover.yaml', line: 6, at: 'checkout-v2.shadow', message: expect.stringContaining('it is the shadow flag of rollout checkout (rollout/checkout.yaml)'), hint: 'rename the flag, e.g. checkout-v2-shadow' }]);
  });

  it('the suffix is reserved even when no rollout derives that key yet', () => {
    const found = check(reservedFlagKey, { [ENVS]: environments(FLAGD, FLAGD), 'rollout/x.yaml': rollout('x', 'search.shadow', [10, 100]) });
    expect(found.map((f) => [f.line, f.at])).toEqual([[6, 'search.shadow']]);
  });

  it("an Unleash environment's state feature is not a flag", () => {
    const found = check(reservedFlagKey, { [ENVS]: environments(FLAGD, UNLEASH), 'rollout/x.yaml': rollout('x', 'rollgate.applied-sha.production', [10, 100]) });
    expect(found.map((f) => [f.line, f.at, f.message])).toEqual([[6, 'rollgate.applied-sha.production', expect.stringContaining('records the sync state of production')]]);
  });

  it('ordinary keys, dots included, are fine', () => {
    expect(check(reservedFlagKey, { [ENVS]: environments(FLAGD, UNLEASH), 'rollout/x.yaml': rollout('x', 'search.v2', [10, 100], undefined, true) })).toEqual([]);
  });
});

describe('env/store-incomplete for a published flag file', () => {
  it.each([
    { name: 'publish alone is complete', store: '{ type: flagd, publish: { branch: rollgate/flags, path: production.flagd.json } }', want: [] },
    { name: 'neither path nor publish', store: '{ type: flagd }', want: ['flagd }', 'neither'] },
    { name: 'both path and publish', store: '{ type: flagd, path: a.json, publish: { branch: rollgate/flags, path: b.json } }', want: ['path: a.json', 'both'] },
    { name: 'publishing to main', store: '{ type: flagd, publish: { branch: main, path: production.flagd.json } }', want: ['main, path', 'the branch the sync applies'] },
    { name: 'publish on an Unleash store', store: '{ type: unleash, url: "http://x", project: p, environment: e, tokenEnv: T, publish: { branch: f, path: x.json } }', want: ['publish: {', 'is a flagd setting'] },
  ])('$name', ({ store, want }) => {
    const found = check(storeSettings, { [ENVS]: environments(FLAGD, store) });
    expect(found.map((f) => [f.line, f.at, f.message])).toEqual(want.length ? [[10, expect.stringMatching(new RegExp(`^${want[0].replace(/[{}]/g, '\\$&')}`)), expect.stringContaining(want[1])]] : []);
  });
});

// Every error one run can find, as a compiler reports them: a schema error in one item (a
// stage, a gate criterion, a metric, an alert rule) drops that item, not its file, so the
// rules still run on the rest, and no follow-on "unknown X" names what failed to load.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../scripts/report/diagnostic.ts';
import { ROOT, rollgate, tempRepo } from './helpers/cli.ts';

const MINIMAL = join(ROOT, 'test', 'fixtures', 'valid', 'minimal');

/** A copy of the minimal repository with `path` edited; validated as JSON and as text. */
function validateEdited(edits: Record<string, (text: string) => string>) {
  const dir = tempRepo(MINIMAL);
  for (const [path, edit] of Object.entries(edits)) {
    const before = readFileSync(join(dir, path), 'utf8');
    const after = edit(before);
    expect(after, path).not.toBe(before);
    writeFileSync(join(dir, path), after);
  }
  const json = rollgate(['validate', '--dir', dir, '--format', 'json']);
  const text = rollgate(['validate', '--dir', dir, '--format', 'text']);
  const output = JSON.parse(json.stdout) as { ok: boolean; diagnostics: Diagnostic[] };
  return { json, text, ok: output.ok, diagnostics: output.diagnostics };
}

const at = (d: Diagnostic) => `${d.file}:${d.line}:${d.col} ${d.code}`;

/** The summary line counts every error listed, schema and rule errors alike. */
function expectCounted(text: string, diagnostics: Diagnostic[]) {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  expect(text).toMatch(new RegExp(`^✗ ${errors} errors?, `, 'm'));
  expect(text.match(/^\S+:\d+:\d+ error /gm)?.length).toBe(errors);
}

describe('a rollout with a schema error and rule errors: all of them in one run', () => {
  const run = validateEdited({
    'rollout/checkout.yaml': (t) =>
      t
        .replace("          op: '<'\n          value: 1\n          window: 1h", "          op: '=<'\n          value: 1\n          window: 1h") // schema: mustPass[0].op
        .replace('      percentage: 50\n', '      percentage: 5\n') // rule in one file: 10 then 5
        .replace('        - metric: error_rate\n          op: \'>\'\n          value: 5\n      approvals', "        - metric: eror_rate\n          op: '>'\n          value: 5\n      approvals"), // rule across files: an unknown metric
  });

  it('exits 1 and reports the schema error, the file rule and the repository rule', () => {
    expect(run.json.code).toBe(1);
    expect(run.ok).toBe(false);
    const found = run.diagnostics.map(at);
    expect(found).toContain('rollout/checkout.yaml:27:15 schema/invalid-value');
    expect(found).toContain('rollout/checkout.yaml:14:19 rollout/percentage-order');
    expect(found).toContain('rollout/checkout.yaml:39:19 gate/unknown-metric');
    expect(run.diagnostics.find((d) => d.code === 'gate/unknown-metric')?.hint).toContain('"error_rate"');
  });

  it('counts the sum of them', () => {
    expect(run.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(3);
    expectCounted(run.text.stdout, run.diagnostics);
    expect(run.text.code).toBe(1);
  });
});

describe('a bad unit in one metric hides nothing of the others', () => {
  const run = validateEdited({
    'rollout/metrics.yaml': (t) =>
      t
        .replace('      unit: ms\n', '      unit: msec\n') // latency_p95_ms: schema
        .replace('query: 100 * sum(increase(app_conversions_total', 'query: 100 * sum(increase(app_conversions_total{'), // conversion_rate: PromQL
  });

  it('reports the schema error and the PromQL error of another metric', () => {
    const found = run.diagnostics.map(at);
    expect(found).toContain('rollout/metrics.yaml:12:13 schema/invalid-value');
    expect(run.diagnostics.find((d) => d.code === 'schema/invalid-value')?.hint).toContain('"ms"');
    expect(run.diagnostics.filter((d) => d.code === 'metrics/query-syntax' && d.file === 'rollout/metrics.yaml' && d.line === 16)).toHaveLength(1);
  });

  it('no follow-on: gates on the metric that failed to load are not "unknown"', () => {
    expect(run.diagnostics.filter((d) => d.code === 'gate/unknown-metric')).toEqual([]);
    expect(run.diagnostics.every((d) => d.file === 'rollout/metrics.yaml')).toBe(true);
    expectCounted(run.text.stdout, run.diagnostics);
  });
});

describe('a bad stage: the gates and the rollback matrix are still checked', () => {
  const run = validateEdited({
    'rollout/checkout.yaml': (t) =>
      t
        .replace('      percentage: 50\n      bake: 48h', '      percentage: 50\n      bak: 48h') // schema: an unknown field in stage "staged"
        .replace('      to: canary\n', '      to: canry\n'), // rule: rollback to an unknown stage
  });

  it('reports the unknown field and the rollback row', () => {
    const found = run.diagnostics.map(at);
    expect(found).toContain('rollout/checkout.yaml:15:7 schema/unknown-field');
    expect(run.diagnostics.find((d) => d.code === 'schema/unknown-field')?.hint).toContain('"bake"');
    expect(found).toContain('rollout/checkout.yaml:58:11 rollback/unknown-stage');
  });

  it('no follow-on about the stage that failed to load (environments at it, its gate)', () => {
    const codes = run.diagnostics.map((d) => d.code);
    expect(codes).not.toContain('rollout/unknown-stage');
    expect(codes).not.toContain('gate/unknown-stage');
    expect(run.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(2);
    expectCounted(run.text.stdout, run.diagnostics);
  });
});

describe('an alert rule with a schema error beside one with a rule error', () => {
  const run = validateEdited({
    'alerts/checkout.yaml': (t) =>
      t
        .replace('      severity: CRITICAL\n', '      severity: CRITICL\n') // schema: the first rule
        .replace('      severity: MEDIUM\n      when: { metric: latency_p95_ms, op: \'>\', value: 300, window: 10m, for: 10m }\n      notify: [slack-deployments]', '      severity: MEDIUM\n      when: { metric: latency_p95_ms, op: \'>\', value: 300, window: 10m, for: 10m }\n      notify: [slack-deploys]'), // rule: an unknown channel
  });

  it('reports both', () => {
    const found = run.diagnostics.map(at);
    expect(found).toContain('alerts/checkout.yaml:10:17 schema/invalid-value');
    expect(found).toContain('alerts/checkout.yaml:34:16 alert/unknown-channel');
    expectCounted(run.text.stdout, run.diagnostics);
  });

  it('no follow-on: the metric the dropped rule watched is not "unwatched", nor the rollout without a CRITICAL alert', () => {
    const codes = run.diagnostics.map((d) => d.code);
    expect(codes).not.toContain('alert/gate-metric-unwatched');
    expect(codes).not.toContain('alert/production-critical'); // the dropped rule was the CRITICAL one
    expect(codes).not.toContain('alert/unknown-rollout');
    expect(run.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(2);
  });
});

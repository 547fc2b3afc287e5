import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';

const dir = join(ROOT, '.github', 'workflows');
const workflows = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

describe.each(workflows)('.github/workflows/%s', (name) => {
  const text = readFileSync(join(dir, name), 'utf8');
  const wf = parse(text) as { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, { steps?: { uses?: string }[]; permissions?: unknown }> };

  it('never uses pull_request_target', () => {
    expect(Object.keys(wf.on ?? {})).not.toContain('pull_request_target');
  });

  it('sets least-privilege permissions at the top (read-only contents unless a job widens it)', () => {
    expect(wf.permissions).toBeDefined();
    expect(wf.permissions).not.toBe('write-all');
    expect(Object.values(wf.permissions!).every((v) => v === 'read' || v === 'none')).toBe(true);
  });

  it('pins every action to a full commit SHA', () => {
    const uses = Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.uses).filter((u): u is string => Boolean(u)));
    for (const u of uses) expect(u, u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });

  it('never echoes a secret', () => {
    expect(text).not.toMatch(/echo[^\n]*\$\{\{\s*secrets\./);
  });
});

import type { ConfigModel } from '../config/model.ts';
import { locate } from '../config/source.ts';
import type { Git } from '../git/port.ts';
import { stageHistory, type StageChange } from '../git/stage-history.ts';
import { changeSet, type Change } from './change-set.ts';
import { modelAt } from './model-at.ts';
import { POLICY } from './rules/index.ts';

export interface PlacedChange extends Omit<Change, 'file' | 'path'> {
  file?: string;
  line?: number;
  col?: number;
}

/** The PR policy's verdict: plain data. */
export interface PolicyVerdict {
  allowed: boolean;
  base: { ref: string; sha: string };
  changes: PlacedChange[];
  refusals: (PlacedChange & { code: string; message: string; hint: string })[];
}

const place = ({ file, path, ...rest }: Change): PlacedChange => ({ ...rest, ...(file ? { file: file.path, ...(path ? locate(file, path) : { line: 1, col: 1 }) } : {}) });

/** What HEAD changes against `base`, and whether the PR policy allows it. */
export async function evaluatePolicy(git: Git, head: ConfigModel, baseRef: string, now: number): Promise<PolicyVerdict> {
  const sha = await git.resolve(baseRef);
  if (!sha) throw new Error(`--base ${baseRef}: no such ref`);
  const cs = changeSet(await modelAt(git, sha), head);
  const histories = new Map<string, Promise<StageChange[]>>();
  const ctx = {
    now,
    baseHistory: (path: string) => {
      if (!histories.has(path)) histories.set(path, stageHistory(git, path, sha));
      return histories.get(path)!;
    },
  };
  const refusals = [];
  for (const rule of POLICY) for (const r of await rule.check(cs, ctx)) refusals.push({ ...place(r.change), code: r.code, message: r.message, hint: r.hint });
  return { allowed: refusals.length === 0, base: { ref: baseRef, sha }, changes: cs.changes.map(place), refusals };
}

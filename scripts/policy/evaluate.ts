import type { ConfigModel } from '../config/model.ts';
import { locate } from '../config/source.ts';
import type { Git } from '../git/port.ts';
import { stageHistory, type MergeTimes, type StageChange } from '../git/stage-history.ts';
import { validModelAt } from '../rules/validate-at-ref.ts';
import { changeSet, describeExposureChange, type Change, type ChangeSet } from './change-set.ts';
import { requiredReviews, type RequiredReview } from './reviews.ts';
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
  head: { ref: string; sha?: string };
  changes: PlacedChange[];
  /** Flags whose served users differ, one line each: `production checkout: 10 % by userId → 50 % by userId`. */
  exposure: { env: string; key: string; rollout: string; increases: boolean; detail: string }[];
  /** Every rollout/environment that serves someone new or moves forward: each needs a gate. */
  moves: { rollout: string; env: string; from?: string; to: string; refused: boolean }[];
  refusals: (PlacedChange & { code: string; message: string; hint: string; move?: { rollout: string; env: string } })[];
  /** Config changes need these approvals (from base's groups); `plan --pr` counts them. */
  reviews: RequiredReview[];
}

const place = ({ file, path, ...rest }: Change): PlacedChange => ({ ...rest, ...(file ? { file: file.path, ...(path ? locate(file, path) : { line: 1, col: 1 }) } : {}) });

export interface PolicyInput {
  git: Git;
  /** The head's model: a validated work tree, or `validModelAt(git, headRef)`. */
  head: ConfigModel;
  headRef: { ref: string; sha?: string };
  baseRef: string;
  now: number;
  mergeTimes?: MergeTimes;
}

/**
 * What the head changes against base, and whether the PR policy allows it. Base is read
 * from git objects with the one loader; its stage histories give the bake times.
 */
export async function evaluatePolicy(input: PolicyInput): Promise<PolicyVerdict & { changeSet: ChangeSet }> {
  const { git, baseRef } = input;
  const { sha, model: base } = await validModelAt(git, baseRef);
  const cs = changeSet(base, input.head);
  const histories = new Map<string, Promise<StageChange[]>>();
  const ctx = {
    now: input.now,
    baseHistory: (path: string) => {
      if (!histories.has(path)) histories.set(path, stageHistory(git, path, sha, input.mergeTimes));
      return histories.get(path)!;
    },
  };
  const refusals: PolicyVerdict['refusals'] = [];
  for (const rule of POLICY) for (const r of await rule.check(cs, ctx)) refusals.push({ ...place(r.change), code: r.code, message: r.message, hint: r.hint, ...(r.move ? { move: r.move } : {}) });
  const refused = (rollout: string, env: string) => refusals.some((r) => r.move?.rollout === rollout && r.move.env === env);
  return {
    allowed: refusals.length === 0,
    base: { ref: baseRef, sha },
    head: input.headRef,
    changes: cs.changes.map(place),
    exposure: cs.exposure.map((e) => ({ env: e.env, key: e.key, rollout: e.rollout, increases: e.increases, detail: describeExposureChange(e) })),
    moves: cs.moves.map((m) => ({ rollout: m.rollout, env: m.env, ...(m.from ? { from: m.from } : {}), to: m.to, refused: refused(m.rollout, m.env) })),
    refusals,
    reviews: requiredReviews(cs),
    changeSet: cs,
  };
}

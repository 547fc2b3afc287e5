import type { FlagState } from '../sync/desired.ts';
import type { SyncPlan } from '../sync/plan.ts';

/**
 * A flag store: where flags live at run time. rollgate reads only the keys it is given and
 * writes only the flags a plan names: the ones rollouts name, and the ones it recorded as
 * managed that no rollout names any more (orphans, which it turns off).
 */
export interface FlagStore {
  /** For messages: `flagd file build/flags/production.flagd.json`, `unleash http://…`. */
  readonly name: string;
  /** The state of each of `keys` the store has; a missing key is a flag it does not have. */
  read(keys: readonly string[]): Promise<Map<string, FlagState>>;
  /** What the last sync recorded in the store: the applied SHA and the keys rollgate manages there. */
  recorded(): Promise<Recorded>;
  /**
   * Applies the plan's changes and orphan turn-offs (only those with steps), then records
   * `plan.sha` and `plan.managed`. Before it writes a flag the store does not record as
   * managed yet, it records that key, so a run that stops halfway never leaves a flag behind
   * that the next run does not know is its own. Throws ApplyError when it stops halfway,
   * saying which flags were and were not applied.
   *
   * With `readBack`, the store reads back what it wrote (a store that writes everything in one
   * atomic unit reads back the exact bytes it is about to write) and records `plan.sha` only
   * when `readBack` names no flag; otherwise it throws ApplyError from `readBackFailed`.
   */
  apply(plan: SyncPlan, progress?: (done: number, total: number) => void, readBack?: ReadBack): Promise<ApplyStats>;
  /**
   * How the store holds `state`, when its form differs from main's: the plan writes and
   * compares this form. Unleash serves 100 % with `stickiness: default`, so a context without
   * the rollout's attribute is on at 100 % there too.
   */
  canonical?(state: FlagState): FlagState;
}

/** Given what a store holds after writing, the keys that still differ from the plan. */
export type ReadBack = (state: ReadonlyMap<string, FlagState>) => string[];

/** The error every store throws when its read-back names flags: the applied SHA is not recorded. */
export function readBackFailed(wrong: string[], touched: string[]): ApplyError {
  const bad = new Set(wrong);
  return new ApplyError(
    `read back after writing, ${wrong.length} flag(s) still differ: ${wrong.join(', ')}; the applied SHA was not recorded`,
    touched.filter((k) => !bad.has(k)),
    wrong[0],
    wrong,
  );
}

/** What a store records about rollgate's syncs. */
export interface Recorded {
  /** The git SHA the last successful sync recorded, if any. */
  sha?: string;
  /** The flag keys rollgate manages in this store; empty before the first sync that recorded them. */
  managed: string[];
}

export interface ApplyStats {
  /** Write requests (or file writes) made. */
  writes: number;
  /** What the user should know about how it was written (e.g. new flags written one at a time, and why). */
  notes?: string[];
}

/** The store refused or could not be reached: exit 2 unless some flags were applied. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A sync that stopped halfway: what was and was not applied. */
export class ApplyError extends StoreError {
  override name = 'ApplyError';
  constructor(
    message: string,
    readonly applied: string[],
    readonly failed: string,
    readonly notApplied: string[],
  ) {
    super(message);
  }
}

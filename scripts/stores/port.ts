import type { FlagState } from '../sync/desired.ts';
import type { FlagChange } from '../sync/plan.ts';

/** A flag store: where flags live at run time. rollgate only touches the keys it is given. */
export interface FlagStore {
  /** For messages: `flagd file build/flags/production.flagd.json`, `unleash http://…`. */
  readonly name: string;
  /** The state of each of `keys` the store has; a missing key is a flag it does not have. */
  read(keys: readonly string[]): Promise<Map<string, FlagState>>;
  /** The git SHA the last successful sync recorded, if any. */
  appliedSha(): Promise<string | undefined>;
  /**
   * Applies the changes (only those with steps), then records `sha`. Throws ApplyError
   * when it stops halfway, saying which flags were and were not applied.
   */
  apply(changes: readonly FlagChange[], sha: string, progress?: (done: number, total: number) => void): Promise<ApplyStats>;
}

export interface ApplyStats {
  /** Write requests (or file writes) made. */
  writes: number;
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

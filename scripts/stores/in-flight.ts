/** One flag's writes, run in order by `run`. */
export interface FlagWork {
  key: string;
  run(): Promise<unknown>;
}

export interface InFlightOutcome {
  /** Keys whose work finished, in the order they finished. */
  done: string[];
  /** The first item that failed; once one fails no further item starts. */
  failed?: { key: string; error: unknown };
}

/**
 * Runs the items with at most `limit` in flight, starting them in list order. After a
 * failure nothing new starts and the items already in flight are awaited, so `done` is
 * exactly what was applied when this returns.
 */
export async function runInFlight(items: readonly FlagWork[], limit: number, onDone?: (key: string) => void): Promise<InFlightOutcome> {
  const done: string[] = [];
  let failed: InFlightOutcome['failed'];
  let next = 0;
  const lane = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await item.run();
      } catch (error) {
        failed ??= { key: item.key, error };
        return;
      }
      done.push(item.key);
      onDone?.(item.key);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  return { done, ...(failed ? { failed } : {}) };
}

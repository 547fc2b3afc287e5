/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `once` every `intervalMs` (measured start to start; a run longer than the interval is
 * followed at once by the next) until `signal` aborts. `once` reports its own failures: one bad
 * run must not stop the watching.
 */
export async function watchLoop(once: () => Promise<unknown>, intervalMs: number, signal: AbortSignal, clock: { now(): number; sleep(ms: number, signal: AbortSignal): Promise<void> } = { now: Date.now, sleep }): Promise<number> {
  let runs = 0;
  while (!signal.aborted) {
    const started = clock.now();
    await once();
    runs++;
    if (signal.aborted) break;
    await clock.sleep(Math.max(0, intervalMs - (clock.now() - started)), signal);
  }
  return runs;
}

// Worker side of check-pool.ts: loads the checker, then claims chunks from the shared counter.
import { parentPort } from 'node:worker_threads';
import { checkRange } from './check-file.ts';

parentPort!.once('message', ({ dir, files, counter, chunk, stamp }: { dir: string; files: string[]; counter: SharedArrayBuffer; chunk: number; stamp: boolean }) => {
  const next = new Int32Array(counter);
  for (;;) {
    const index = Atomics.add(next, 0, 1);
    const from = index * chunk;
    if (from >= files.length) break;
    parentPort!.postMessage({ index, results: checkRange(dir, files, from, Math.min(from + chunk, files.length), stamp) });
  }
  parentPort!.close();
});

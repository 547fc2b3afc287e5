import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkRange, type FileResult } from './check-file.ts';

/** Below this many files a worker costs more than it saves. */
export const PARALLEL_THRESHOLD = 400;
const CHUNK = 64;

export interface PoolOptions {
  /** Threads in all, the main one included. Default: the machine's cores, at most 4. */
  threads?: number;
}

/** Checks files on the main thread and on workers that were started ahead of time. */
export interface CheckPool {
  /** With `stamp`, each result says what it was read from (FileResult.stamp). */
  check(dir: string, files: readonly string[], stamp?: boolean): Promise<FileResult[]>;
}

/**
 * Starts `threads - 1` workers at once, so they load the checker while the caller finds
 * the files. `check` then has the main thread and the workers claim chunks from one shared
 * counter; results come back in file order. A worker that fails changes nothing but
 * speed: any chunk it claimed and never returned is checked again on the main thread.
 * `expectedFiles` below the threshold starts no worker.
 */
export function startCheckPool(options: PoolOptions = {}, expectedFiles = Infinity): CheckPool {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), 4));
  const workers = threads > 1 && expectedFiles >= PARALLEL_THRESHOLD ? Array.from({ length: threads - 1 }, spawn).filter((w) => w !== undefined) : [];
  return {
    async check(dir, files, stamp = false) {
      if (files.length < PARALLEL_THRESHOLD || workers.length === 0) {
        for (const w of workers) void w.terminate();
        return checkRange(dir, files, 0, files.length, stamp);
      }
      const counter = new SharedArrayBuffer(4);
      const next = new Int32Array(counter);
      const chunks = Math.ceil(files.length / CHUNK);
      const results: FileResult[][] = new Array(chunks);
      const finished = workers.map((worker) => collect(worker, results));
      for (const worker of workers) {
        worker.ref(); // held until it has returned its chunks and exited
        worker.postMessage({ dir, files, counter, chunk: CHUNK, stamp });
      }
      for (;;) {
        const index = Atomics.add(next, 0, 1);
        if (index >= chunks) break;
        results[index] = checkRange(dir, files, index * CHUNK, Math.min((index + 1) * CHUNK, files.length), stamp);
      }
      await Promise.all(finished);
      for (let i = 0; i < chunks; i++) results[i] ??= checkRange(dir, files, i * CHUNK, Math.min((i + 1) * CHUNK, files.length), stamp);
      return results.flat();
    },
  };
}

/** Built ahead of time (build/cli, where this code sits in a chunk beside check-worker.js) or run from the sources. */
const BUILT = !import.meta.url.endsWith('.ts');

function spawn(): Worker | undefined {
  try {
    const worker = BUILT ? new Worker(new URL('./check-worker.js', import.meta.url)) : new Worker(fromSources(), { eval: true });
    worker.on('error', () => {}); // reported through `collect`; the main thread takes over its chunks
    worker.unref(); // a pool that is never used does not keep the process alive
    return worker;
  } catch {
    return undefined;
  }
}

function collect(worker: Worker, results: FileResult[][]): Promise<void> {
  return new Promise((resolve) => {
    worker.on('message', (m: { index: number; results: FileResult[] }) => {
      results[m.index] = m.results;
    });
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
  });
}

/** Workers do not inherit the CLI's TypeScript loader: register tsx first, then load the worker module. */
function fromSources(): string {
  return `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./check-worker.ts', import.meta.url).href)}); });`;
}

// `npm run build` (and `prepare`, so `npm ci` runs it): bundles the CLI and the check worker
// into build/cli with esbuild, so a run starts without a TypeScript compiler. Dependencies stay
// in node_modules; each verb stays its own chunk, loaded only when that verb runs.
import { createRequire } from 'node:module';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, codeIdentity, MANIFEST, sourceFingerprint } from './built.js';

const ROOT = join(import.meta.dirname, '..', '..');
// esbuild comes with tsx (a dependency), so it is there whenever the sources can run at all.
const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild');

const sources = sourceFingerprint();
const code = codeIdentity();
rmSync(BUILD_DIR, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: { rollgate: 'scripts/rollgate.ts', 'check-worker': 'scripts/rules/check-worker.ts' },
  outdir: BUILD_DIR,
  // Chunks beside the entries: check-pool.ts finds ./check-worker.js next to itself.
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.11',
  packages: 'external',
  sourcemap: 'linked',
  // What cached check results are keyed by (scripts/rules/code-identity.ts): fixed at build time.
  define: { ROLLGATE_CODE_ID: JSON.stringify(code) },
  logLevel: 'warning',
});
if (sourceFingerprint() !== sources) {
  // Edited while building: leave no manifest, so the bin keeps running the sources.
  console.error('rollgate build: the sources changed while building; run `npm run build` again');
  process.exit(1);
}
writeFileSync(MANIFEST, JSON.stringify({ entry: 'rollgate.js', sources }, null, 2) + '\n');

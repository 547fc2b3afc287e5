// `npm run bench`: every benchmark, each printed as ratios against its anchor run in the same process.
import { availableParallelism } from 'node:os';
import { benchAlert } from './alert.ts';
import { benchGate } from './gate.ts';
import { benchStart, buildCli } from './start.ts';
import { benchSync } from './sync.ts';
import { benchValidate } from './validate.ts';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
console.log(`# rollgate benchmarks (node ${process.version}, ${availableParallelism()} cores)${quick ? ' — quick' : ''}`);
// The bin runs the build when it is fresh: build it from the sources as they are now.
buildCli();
if (!only || only === 'start') benchStart(quick ? 5 : 10);
if (!only || only === 'validate') benchValidate(quick ? { rollouts: 500, rules: 2000, runs: 3 } : {});
if (!only || only === 'sync') await benchSync(quick ? 200 : 1000);
if (!only || only === 'gate') await benchGate(quick ? 3 : 7);
if (!only || only === 'alert') await benchAlert(quick ? 1 : 3);

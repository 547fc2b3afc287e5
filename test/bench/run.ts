// `npm run bench`: every benchmark, each printed as ratios against its anchor run in the same process.
import { benchValidate } from './validate.ts';

const quick = process.argv.includes('--quick');
console.log(`# rollgate benchmarks (node ${process.version}, ${(await import('node:os')).availableParallelism()} cores)${quick ? ' — quick' : ''}`);
benchValidate(quick ? { rollouts: 500, rules: 2000, runs: 3 } : {});

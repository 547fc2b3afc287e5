import { resolve } from 'node:path';
import { gitAt } from '../git/simple-git.ts';
import { openProvider } from '../metrics/open-provider.ts';
import { collectSite } from '../report/html/collect.ts';
import { writeSite } from '../report/html/write-site.ts';
import { InfrastructureError, loadValidConfig, parse, repoDir, UsageError, type Io } from './common.ts';

export const usage = `rollgate report --out DIR [--metrics FILE | --no-gates] [--dir PATH]

Writes a static HTML report into DIR (index.html and the files it loads, Chart.js among
them: viewing it needs no network; publish DIR with GitHub Pages or any web server). For
every rollout: the current stage per environment, a chart of each environment's stage %
over time and the rollback history (with each rollback's Reason and Alert-Key trailers),
both from the first-parent git history of HEAD, and the gate into each environment's next
stage, evaluated now as \`rollgate gate\` would.
  --metrics FILE  measure the gates from a static metrics file instead of each
                  environment's provider (the format of \`rollgate gate --metrics\`)
  --no-gates      evaluate no gate (the page says so): for a machine that cannot reach
                  the metrics providers
An environment whose provider cannot be opened or reached shows why instead of a verdict.

Examples:
  rollgate report --out build/report
  rollgate report --out site --metrics metrics.yaml
  rollgate report --out site --no-gates && python3 -m http.server -d site`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { out: { type: 'string' }, metrics: { type: 'string' }, 'no-gates': { type: 'boolean' } }, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (positionals.length) throw new UsageError(`report takes no ROLLOUT (it shows every rollout), got "${positionals[0]}"`);
  if (values.out === undefined || values.out === '') throw new UsageError('give --out DIR: the folder to write index.html into');
  if (values.metrics !== undefined && values['no-gates']) throw new UsageError('--metrics and --no-gates exclude each other: measure from the file, or evaluate no gate');
  if (values.format !== undefined) throw new UsageError('report writes HTML into --out DIR; it has no --format');
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const git = gitAt(dir);
  const noGates = Boolean(values['no-gates']);
  const site = await collectSite({
    model,
    git,
    now: io.now(),
    ...(noGates ? {} : { provider: (settings, staticText) => openProvider(dir, settings, io.env, values.metrics, staticText) }),
    gatesNote: noGates
      ? 'not evaluated (--no-gates): run rollgate gate ROLLOUT --env E for a verdict'
      : values.metrics !== undefined
        ? `evaluated now from the metrics file ${values.metrics}`
        : "evaluated now with each environment's metrics provider",
  });
  const out = resolve(io.cwd, values.out);
  let files: string[];
  try {
    files = await writeSite(out, site);
  } catch (error) {
    throw new InfrastructureError((error as Error).message);
  }
  io.stdout(`wrote ${files.length} files to ${out}: open ${resolve(out, 'index.html')}, or serve the folder (python3 -m http.server -d ${values.out})\n`);
  return 0;
}

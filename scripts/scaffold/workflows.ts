import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type YAMLMap } from 'yaml';
import type { DraftFile } from './draft.ts';
import { ScaffoldError } from './errors.ts';

/**
 * How a workflow of rollgate's own repository is changed for a repository of rollouts: the
 * steps that build and test rollgate itself go (a step stays when it uses an action, installs
 * the packages, or runs rollgate), and the Debian packages of rollgate's test servers are cut
 * down to what `alerts export --check` and `alerts test` run (promtool, amtool).
 */
interface Adaptation {
  keepStep(run: string): boolean;
  packages?: { keep: string[]; comment: string };
}

const ROLLGATE_STEP = /^(?:npm ci\b|npx rollgate\b|sudo apt-get\b)/;

const ADAPT: Record<string, Adaptation> = {
  'validate.yml': {
    keepStep: (run) => ROLLGATE_STEP.test(run.trim()),
    packages: { keep: ['prometheus', 'prometheus-alertmanager'], comment: ' promtool and amtool, for alerts export --check and alerts test.' },
  },
};

/** Every .github/workflows/*.yml of rollgate's package at `root`, adapted for a repository of rollouts. */
export function workflowFiles(root: string): DraftFile[] {
  const dir = join(root, '.github', 'workflows');
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
  } catch {
    names = [];
  }
  if (!names.length) throw new ScaffoldError('scaffold/templates-missing', `no workflows in ${dir}`, 'reinstall rollgate: init copies the workflows of its package', 2);
  return names.map((name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    const adapt = ADAPT[name];
    return { path: `.github/workflows/${name}`, text: adapt ? adapted(text, adapt) : text };
  });
}

function adapted(text: string, adapt: Adaptation): string {
  const doc = parseDocument(text);
  const jobs = doc.get('jobs');
  if (!isMap(jobs)) return text;
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps') : undefined;
    if (!isSeq(steps)) continue;
    steps.items = steps.items.filter((step) => {
      const run = isMap(step) ? step.get('run') : undefined;
      return typeof run !== 'string' || adapt.keepStep(run);
    });
    for (const step of steps.items) if (adapt.packages && isMap(step)) trimPackages(step, adapt.packages);
  }
  return doc.toString({ lineWidth: 0 });
}

/** An `apt-get install` step installs only `keep`, with a comment that says why. */
function trimPackages(step: YAMLMap, packages: NonNullable<Adaptation['packages']>): void {
  const run = step.get('run', true);
  if (!isScalar(run) || typeof run.value !== 'string' || !/apt-get install/.test(run.value)) return;
  run.value = run.value.replace(/(apt-get install(?: -\S+)*)(?: [a-z0-9.+-]+)+/, `$1 ${packages.keep.join(' ')}`);
  step.commentBefore = packages.comment;
}

import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Metric } from '../config/schema/index.ts';
import { checkDrafts, documentsOf, type DraftFile } from './draft.ts';
import { ScaffoldError } from './errors.ts';
import { newRolloutFiles } from './new-rollout.ts';
import { workflowFiles } from './workflows.ts';

/** The files of scripts/scaffold/templates and where they go; `ifAbsent` ones never overwrite. */
const TEMPLATES: { from: string; to?: string; ifAbsent?: boolean }[] = [
  { from: 'rollout/environments.yaml' },
  { from: 'rollout/metrics.yaml' },
  { from: 'alerts/channels.yaml' },
  { from: '.github/CODEOWNERS' },
  // Named without the dot in the templates, where it would be git's own.
  { from: 'gitignore', to: '.gitignore', ifAbsent: true },
];

/** Where init's config files point their `$schema` line: rollgate installed as a dependency. */
const INIT_SCHEMA_PREFIX = '../node_modules/rollgate/schemas/';

/** The example rollout init writes, made as `rollgate new rollout` makes one. */
const EXAMPLE = { name: 'example-feature', percentages: [0, 10, 50, 100] };

/**
 * Every file of a new repository of rollouts, checked through validate's loader: the
 * templates, the example rollout with its alerts and alert test, rollgate's workflows, and a
 * package.json that installs rollgate. `root` is rollgate's package, `dir` the new repository.
 */
export function initFiles(root: string, dir: string, source?: string): DraftFile[] {
  const templates: DraftFile[] = TEMPLATES.map((t) => ({ path: t.to ?? t.from, text: readFileSync(join(root, 'scripts', 'scaffold', 'templates', t.from), 'utf8'), ...(t.ifAbsent ? { ifAbsent: true } : {}) }));
  const base = checkDrafts([], templates).model;
  const example = newRolloutFiles(documentsOf(base), { ...EXAMPLE, schemaPrefix: INIT_SCHEMA_PREFIX, templateCatalog: templateCatalog(base.metricCatalog) });
  const files = [...templates, ...example, ...workflowFiles(root), packageJson(dir, source)];
  const errors = checkDrafts([], files).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new ScaffoldError('scaffold/invalid-result', `the templates do not validate: ${errors.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`).join('; ')}`, 'reinstall rollgate', 2);
  return files;
}

/** init's catalog, read from its template: `new rollout` writes firing alert tests for these definitions. */
export function initCatalog(root: string): Map<string, Metric> {
  const text = readFileSync(join(root, 'scripts', 'scaffold', 'templates', 'rollout', 'metrics.yaml'), 'utf8');
  return templateCatalog(checkDrafts([], [{ path: 'rollout/metrics.yaml', text }]).model.metricCatalog);
}

const templateCatalog = (catalog: Map<string, { metric: Metric }>) => new Map([...catalog].map(([k, v]) => [k, v.metric]));

/**
 * A package.json for the workflows' `npm ci` and `npx rollgate`; written only when there is
 * none. It installs rollgate from `source` (a git URL pinned to a commit, as the workflows pin
 * actions) and never by a bare registry name: rollgate is not published, and whatever a
 * registry served under that name would run in CI with the workflows' secrets.
 */
export function packageJson(dir: string, source: string | undefined): DraftFile {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'rollouts';
  const value = {
    name,
    private: true,
    description: 'Feature-flag rollouts as code: stages, gates and alerts, checked and applied by rollgate',
    scripts: { validate: 'rollgate validate', 'test:alerts': 'rollgate alerts test' },
    ...(source ? { devDependencies: { rollgate: source } } : {}),
  };
  return { path: 'package.json', text: JSON.stringify(value, null, 2) + '\n', ifAbsent: true };
}

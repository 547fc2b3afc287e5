import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ScaffoldError } from '../scaffold/errors.ts';
import { initFiles } from '../scaffold/init.ts';
import { installSource, packageRoot } from '../scaffold/package-root.ts';
import { renderScaffoldError, renderScaffoldJson, renderScaffoldText } from '../scaffold/report.ts';
import { conflicts, writeAll } from '../scaffold/write.ts';
import { formatOf, gitRoot, InfrastructureError, parse, UsageError, type Io } from './common.ts';

export const usage = `rollgate init [--dir PATH] [--force] [--format text|json]

Makes a new repository of rollouts, every file valid as written:
  rollout/environments.yaml  staging and production; each keeps its flags in a flagd file that
                             sync commits to the branch rollgate/flags (no server needed)
  rollout/metrics.yaml       a small metric catalog (error rate, p95 latency, conversion)
  alerts/channels.yaml       PagerDuty, Slack and rollgate's webhook, secrets as env names
  rollout/example-feature.yaml, alerts/example-feature.yaml, alerts/tests/example-feature.yaml
                             an example rollout (off, canary 10 %, ramp-50, full), its alerts
                             and their promtool test (as rollgate new rollout makes them)
  .github/workflows/*.yml    rollgate's own workflows (validate without rollgate's own tests)
  .github/CODEOWNERS         owners of the config (replace your-org)
  package.json, .gitignore   only where there are none, never overwritten; package.json installs
                             rollgate from the git remote this rollgate was cloned from, pinned
                             to its commit (never by a bare registry name)
The files that exist are listed and nothing is written (exit 1), unless --force; all files
are written or none. PATH: default the git repository around the working directory, else the
working directory.
  --force  overwrite the files init writes (never package.json or .gitignore)
Exit 0 written, 1 refused (files exist), 2 usage.

Examples:
  rollgate init
  rollgate init --dir ../rollouts
  rollgate init --force`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { force: { type: 'boolean' } }, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (init takes --dir PATH)`);
  const format = formatOf(io, values.format, ['text', 'json']);
  const dir = values.dir === undefined ? (gitRoot(io.cwd) ?? resolve(io.cwd)) : resolve(io.cwd, values.dir);
  try {
    const root = packageRoot();
    const source = installSource(root);
    const files = initFiles(root, dir, source);
    const { existing, kept } = conflicts(dir, files);
    if (existing.length && !values.force) {
      throw new ScaffoldError('scaffold/exists', `${existing.length} of its files exist in ${dir}, so init wrote nothing:\n${existing.map((p) => `    ${p}`).join('\n')}`, 'run it in a new repository, or with --force to overwrite them', 1);
    }
    const written = files.filter((f) => !kept.includes(f.path));
    await writeAll(dir, written).catch((error: Error) => {
      throw new InfrastructureError(`cannot write in ${dir}: ${error.message}`);
    });
    const result = {
      dir,
      written,
      kept,
      next: [
        ...(existsSync(join(dir, '.git')) ? [] : ['git init -b main']),
        'npx rollgate validate',
        'git add -A && git commit -m "rollgate init"',
        'npx rollgate sync --local   (no remote yet: syncs the local main; once main is pushed, rollgate sync)',
        kept.includes('package.json')
          ? 'make sure package.json installs rollgate (devDependencies): the workflows run npm ci and npx rollgate'
          : source
            ? 'npm install   (writes package-lock.json, which the workflows\' npm ci needs)'
            : 'npm install -D <rollgate: a git URL pinned to a commit>   (package.json names no rollgate yet: the workflows run npm ci and npx rollgate)',
        'rollgate new rollout NAME --stages 0,1,5,25,100   (your first rollout)',
      ],
    };
    io.stdout(format === 'json' ? renderScaffoldJson(result) : renderScaffoldText(result));
    return 0;
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    (format === 'json' ? io.stdout : io.stderr)(renderScaffoldError('init', error, format));
    return error.exit;
  }
}

import { gitAt } from '../git/simple-git.ts';
import { gitHubFromEnv } from '../github/from-env.ts';
import { openProvider } from '../metrics/open-provider.ts';
import { propose, type ProposalResult } from '../progression/propose.ts';
import { formatOf, parse, repoDir, type Io } from './common.ts';

export const usage = `rollgate propose [--dry-run] [--main REF] [--dir PATH] [--format text|json]

The progression bot, for a scheduled workflow: for every rollout whose progression is
propose or auto (the rollout's \`progression\`, else environments.yaml progression.default;
manual rollouts are left alone) and every environment in promotion order, decides whether
the next step is ready on main — no freeze, the environment before it at that stage for its
bake, no rollback row matching, the current stage's bake elapsed, and the gate (read from
main, measured now) GO, or CONDITIONAL only on approvals or manual checks. Ready: opens the
advance PR (the same one-line edit and report as \`advance\`), or updates the open one; auto
mode also enables GitHub's auto-merge, so it merges only when every required check and review
passes. Not ready any more: comments why and closes it. One PR per rollout and environment,
at most progression.maxOpenProposals open; a second run changes nothing that did not change.
  --dry-run   decide and print, touch nothing
  --main REF  the main ref to read (default origin/<main>, else <main>)

Examples:
  GITHUB_REPOSITORY=octo-org/rollouts GITHUB_TOKEN=… rollgate propose
  rollgate propose --dry-run --format json
Needs GITHUB_REPOSITORY and GITHUB_TOKEN (a GitHub App or PAT token: PRs opened with the
workflow's own token do not start the gate workflow). Exit 0, 2 usage or infrastructure error.`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { 'dry-run': { type: 'boolean' }, main: { type: 'string' } });
  if (values.help) return io.stdout(usage + '\n'), 0;
  const format = formatOf(io, values.format, ['text', 'json']);
  const dir = repoDir(io, values.dir);
  const results = await propose({
    git: gitAt(dir),
    github: gitHubFromEnv(io.env),
    provider: (settings, staticText) => openProvider(dir, settings, io.env, undefined, staticText),
    now: io.now(),
    ...(values.main ? { mainRef: values.main } : {}),
    ...(io.env.GITHUB_RUN_ID && io.env.GITHUB_REPOSITORY ? { runUrl: `${io.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${io.env.GITHUB_REPOSITORY}/actions/runs/${io.env.GITHUB_RUN_ID}` } : {}),
    dryRun: values['dry-run'] ?? false,
  });
  if (format === 'json') io.stdout(JSON.stringify(results, null, 2) + '\n');
  else io.stdout(renderProposals(results));
  return 0;
}

function renderProposals(results: ProposalResult[]): string {
  if (!results.length) return 'nothing to propose: every rollout is at its last stage\n';
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.action.padEnd(11)} ${r.rollout} ${r.env}: ${r.from} → ${r.to} (${r.mode})${r.pr ? ` PR #${r.pr}` : ''}${r.autoMerge ? ', auto-merge on' : ''}`);
    for (const w of r.readiness?.why ?? []) lines.push(`              not ready: ${w}`);
    if (r.readiness?.ready) for (const w of r.readiness.waitsFor) lines.push(`              waits for: ${w}`);
  }
  return lines.join('\n') + '\n';
}

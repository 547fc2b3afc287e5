import { EXIT_CODE } from '../gates/report.ts';
import { runGate } from '../gates/run-gate.ts';
import { gitAt } from '../git/simple-git.ts';
import { gitHubFromEnv } from '../github/from-env.ts';
import { mergeTimesFrom } from '../github/merge-times.ts';
import { pullRequestFromEvent } from '../github/pr-context.ts';
import { openProvider } from '../metrics/open-provider.ts';
import { gateAnnotations, gateMarker, type GateNext, renderGateMarkdown, renderGateText } from '../report/gate.ts';
import { rolloutTimeline } from '../report/timeline.ts';
import { formatOf, type Io, loadHeadModel, parse, repoDir, rolloutArg, UsageError } from './common.ts';
import { targetEnv } from './default-env.ts';

export const usage = `rollgate gate ROLLOUT [--env E] [--to STAGE] [--base REF] [--head REF] [--metrics FILE]
              [--pr N] [--post] [--dir PATH] [--format text|json|markdown]

Evaluates the gate into the next stage (or --to): every criterion measured, the decision
GO / NO-GO / CONDITIONAL / INCONCLUSIVE with why, where the metrics came from, and the next
command. --env may be left out when the rollout is in one environment only. With --base (a PR's base branch) the gate
reads only base, from git objects: stages, the gate, the metric catalog, the provider and
its token, approver groups, bake history and flag. The PR (HEAD, or --head REF read without
a checkout) supplies only the intent, and the PR policy is checked here as in \`plan\`:
a move it refuses is NO-GO.
  --metrics FILE  a static metrics file instead of the environment's provider
                  (YAML or JSON: metric → number, or → {treatment: x, control: y})
  --pr N          count approvals and ticked checks of PR N (default: the Actions event's PR)
  --post          upsert the report as one PR comment and create a check run

Examples:
  rollgate gate checkout-v2 --env staging
  rollgate gate checkout-v2 --env production --base origin/main --head refs/remotes/pull/42/head --pr 42 --post
Exit 0 GO, 1 NO-GO, 3 CONDITIONAL, 4 INCONCLUSIVE, 2 usage or infrastructure error.`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { env: { type: 'string' }, to: { type: 'string' }, base: { type: 'string' }, head: { type: 'string' }, metrics: { type: 'string' }, pr: { type: 'string' }, post: { type: 'boolean' } }, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (positionals.length !== 1) throw new UsageError('give exactly one ROLLOUT'); // before loading anything
  const format = formatOf(io, values.format, ['text', 'json', 'markdown', 'github']);
  const dir = repoDir(io, values.dir);
  const git = gitAt(dir);
  if (values.head !== undefined && values.base === undefined) throw new UsageError('--head needs --base: the gate of a PR is read from its base');
  const { model } = await loadHeadModel(io, dir, git, values.head);
  // A PR's gate takes --env as given (base decides whether it exists); otherwise the one rule of default-env.ts.
  const env = values.base && values.env !== undefined ? values.env : targetEnv(model, rolloutArg(model, positionals), values.env, { verb: 'gate', argv });

  const prNumber = values.pr !== undefined ? Number(values.pr) : pullRequestFromEvent(io.env);
  if (values.pr !== undefined && !(Number.isInteger(prNumber) && prNumber! > 0)) throw new UsageError(`--pr must be a PR number, got "${values.pr}"`);
  if (values.post && prNumber === undefined) throw new UsageError('--post needs a PR: --pr N, or run it on a pull_request event');
  const github = prNumber !== undefined ? gitHubFromEnv(io.env) : undefined;
  const pullRequest = github && prNumber !== undefined ? await github.getPullRequest(prNumber) : undefined;

  const report = await runGate({
    rollout: positionals[0],
    env,
    ...(values.to !== undefined ? { to: values.to } : {}),
    ...(values.base !== undefined ? { base: values.base } : {}),
    head: model,
    git,
    provider: (settings, staticText) => openProvider(dir, settings, io.env, values.metrics, staticText),
    now: io.now(),
    ...(github && pullRequest ? { pr: { github, pullRequest }, mergeTimes: mergeTimesFrom(github, pullRequest.base) } : {}),
  });

  const next: GateNext = { carried: { dir: values.dir, metrics: values.metrics }, ...(values.to !== undefined ? { to: values.to } : {}), ...(prNumber !== undefined ? { pr: prNumber } : {}) };
  // The stage charts come from the trusted side's history: base when the gate runs on a PR.
  const markdownOf = async () => renderGateMarkdown(report, await rolloutTimeline(git, model, report.rollout, values.base ?? 'HEAD'), next);
  if (format === 'json') io.stdout(JSON.stringify(report, null, 2) + '\n');
  else if (format === 'markdown') io.stdout(await markdownOf());
  else io.stdout(renderGateText(report, next));

  if (values.post && github && pullRequest) {
    const markdown = await markdownOf();
    const comment = await github.upsertComment(pullRequest.number, gateMarker(report), markdown);
    const conclusion = report.decision === 'GO' ? 'success' : report.decision === 'CONDITIONAL' ? 'action_required' : 'failure';
    const file = model.rolloutByName.get(report.rollout)?.file;
    await github.createCheckRun({
      name: `rollgate gate: ${report.rollout} ${report.env}`,
      headSha: pullRequest.headSha,
      conclusion,
      title: `${report.decision}: ${report.from.stage} → ${report.to.stage}`,
      summary: report.reasons.map((r) => `- ${r}`).join('\n'),
      text: markdown,
      annotations: file ? gateAnnotations(report, file) : [],
    });
    io.stderr(`posted to PR #${pullRequest.number} (comment ${comment.created ? 'created' : 'updated'}) and a check run\n`);
  }
  return EXIT_CODE[report.decision];
}

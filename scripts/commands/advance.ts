import { runGate } from '../gates/run-gate.ts';
import { EditError } from '../git/edit-stage.ts';
import { gitAt } from '../git/simple-git.ts';
import { gitHubFromEnv } from '../github/from-env.ts';
import { openProvider } from '../metrics/open-provider.ts';
import { advanceBranch, advanceTitle, commitAdvance, openAdvancePullRequest } from '../progression/advance-pr.ts';
import { shellWord } from '../report/command-line.ts';
import { rolloutTimeline } from '../report/timeline.ts';
import { environmentsSpec, type Io, loadValidConfig, parse, repoDir, rolloutArg, UsageError } from './common.ts';
import { targetEnv } from './default-env.ts';

export const usage = `rollgate advance ROLLOUT [--env E] [--to STAGE] [--metrics FILE] [--no-push] [--force] [--dir PATH]

Opens the PR that advances ROLLOUT one stage in E (--env may be left out only when the
rollout is in one environment): a branch off main, a one-line edit of the rollout file
(comments and layout kept), a commit, a push, and a PR whose body is the gate report with
its manual checklist. Run again, it updates the same branch and PR instead of opening another.
On NO-GO it refuses with the reasons and makes no branch.
  --no-push  make the branch and commit locally only
  --force    open the PR on NO-GO too (its report says NO-GO, and the gate check still fails)
Needs GITHUB_REPOSITORY and GITHUB_TOKEN unless --no-push. Exit 0 done, 1 refused, 2 usage.

Examples:
  rollgate advance checkout-v2 --env staging --no-push
  GITHUB_REPOSITORY=octo-org/rollouts GITHUB_TOKEN="$(gh auth token)" rollgate advance checkout-v2 --env production`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { env: { type: 'string' }, to: { type: 'string' }, metrics: { type: 'string' }, 'no-push': { type: 'boolean' }, force: { type: 'boolean' } }, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (positionals.length !== 1) throw new UsageError('give exactly one ROLLOUT'); // before loading anything
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const rollout = rolloutArg(model, positionals);
  const env = targetEnv(model, rollout, values.env, { verb: 'advance', argv });
  const spec = environmentsSpec(model);
  const git = gitAt(dir);
  const base = (await git.resolve(`refs/remotes/origin/${spec.mainBranch}`)) ? `origin/${spec.mainBranch}` : spec.mainBranch;
  const baseSha = await git.resolve(base);
  if (!baseSha) throw new UsageError(`no branch ${spec.mainBranch} to branch off`);
  const path = rollout.file.path;
  const baseText = await git.show(baseSha, path);
  if (baseText === undefined) throw new UsageError(`${path} is not on ${base} yet: merge the new rollout first`);

  const names = rollout.doc.spec.stages.map((s) => s.name);
  const github = values['no-push'] ? undefined : gitHubFromEnv(io.env);
  const branch = advanceBranch(rollout.doc.metadata.name, env);
  const existing = github ? await github.findPullRequest(branch) : undefined;

  const report = await runGate({
      rollout: rollout.doc.metadata.name,
      env,
      ...(values.to !== undefined ? { to: values.to } : {}),
      base: baseSha,
      head: model,
      git,
      provider: (settings, staticText) => openProvider(dir, settings, io.env, values.metrics, staticText),
      now: io.now(),
      ...(github && existing ? { pr: { github, pullRequest: existing } } : {}),
  });
  const { from, to } = report;
  if (names.indexOf(to.stage) - names.indexOf(from.stage) > 1) {
    io.stderr(`rollgate advance: ${from.stage} → ${to.stage} skips ${names.slice(names.indexOf(from.stage) + 1, names.indexOf(to.stage)).join(', ')}: a PR moves one stage at a time (policy/one-stage)\n`);
    return 1;
  }
  if (report.decision === 'NO-GO') {
    const why = `NO-GO for ${report.rollout} in ${env} (${from.stage} → ${to.stage})`;
    if (!values.force) {
      io.stderr(`rollgate advance: ${why}: not advancing\n${report.reasons.map((r) => `  - ${r}\n`).join('')}Run "rollgate gate ${report.rollout} --env ${env}${values.metrics ? ` --metrics ${values.metrics}` : ''}" for the whole report; --force opens the PR anyway.\n`);
      return 1;
    }
    io.stderr(`rollgate advance: ${why}, opening the PR anyway (--force)\n`);
  }

  const title = advanceTitle(report.rollout, env, from.stage, to.stage, to.percentage);
  let commit: string;
  try {
    commit = await commitAdvance(git, { base: baseSha, path, text: baseText, env, to: to.stage, branch, title, note: `Gate: ${report.decision}. Opened by rollgate advance.` });
  } catch (error) {
    if (error instanceof EditError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
  io.stdout(`${report.decision}: ${title}\nbranch ${branch} at ${commit.slice(0, 7)} (off ${base} ${baseSha.slice(0, 7)})\n`);
  if (!github) {
    const git = ['git', ...(values.dir !== undefined ? ['-C', values.dir] : [])].map(shellWord).join(' ');
    io.stdout(`next: ${git} push --force-with-lease origin ${branch}, then open its PR into ${spec.mainBranch} (or run this again without --no-push to do both)\n`);
    return 0;
  }

  const pr = await openAdvancePullRequest({ git, github }, {
    branch,
    mainBranch: spec.mainBranch,
    title,
    paragraphs: [`The one-line change below moves \`${path}\`; merging it lets \`rollgate sync\` apply it. To undo after merge: \`git revert\` the merge commit, or \`rollgate rollback ${report.rollout} --env ${env}\`.`],
    report,
    timeline: await rolloutTimeline(git, model, report.rollout, baseSha),
    existing,
    labels: ['rollgate', 'advance'],
    autoMerge: false,
  });
  io.stdout(`${pr.created ? 'opened' : 'updated'} PR #${pr.number} ${pr.url}\nnext: ${prNext(pr.number)}\n`);
  return 0;
}

const prNext = (n: number) => `the gate runs on PR #${n}: get its approvals and tick its checks there; merge it on GO and the sync applies it`;

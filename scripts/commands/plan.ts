import { appendFile } from 'node:fs/promises';
import { gitAt } from '../git/simple-git.ts';
import { evaluatePolicy } from '../policy/evaluate.ts';
import { renderAnnotations } from '../report/github.ts';
import { countApprovals, groupMembers } from '../gates/approvals.ts';
import type { ApprovalReport } from '../gates/report.ts';
import { gitHubFromEnv } from '../github/from-env.ts';
import { mergeTimesFrom } from '../github/merge-times.ts';
import { pullRequestFromEvent } from '../github/pr-context.ts';
import { ConfigInvalid, formatOf, loadHeadModel, parse, repoDir, UsageError, type Io } from './common.ts';

export const usage = `rollgate plan [--base REF] [--head REF] [--pr N] [--post] [--dir PATH] [--format text|json|github]

Every change HEAD (or --head REF, read from git objects without a checkout) makes against
base (--base, default origin/<main>, else <main>), one kind per field family, keyed by flag
so a rename is a rename; which flags serve users they did not; and the PR policy's verdict.
Base is read from git with the same loader as validate. Anything that serves someone new
must be a gated advance: a rollout base has, with the same flag, one stage forward in base's
stage list into a stage identical on base, with nothing else the gate reads changed, after
the current stage's bake (counted from when it landed on base). Less exposure is always allowed.
A config change (a gate, the rollback matrix, stages, the catalog, a provider, an approver
group, alerts) needs the config owners' approval and that of every gate on base it affects:
  --pr N    count those approvals on PR N (default: the Actions event's PR); missing ones refuse
  --post    create a "rollgate plan" check run on the PR's head with the verdict

Examples:
  rollgate plan
  rollgate plan --base origin/main --head refs/remotes/pull/42/head --format json
Exit 0 allowed, 1 refused (or the head's config is invalid), 2 usage or infrastructure error.`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { base: { type: 'string' }, head: { type: 'string' }, pr: { type: 'string' }, post: { type: 'boolean' } });
  if (values.help) return io.stdout(usage + '\n'), 0;
  const format = formatOf(io, values.format);
  const dir = repoDir(io, values.dir);
  const git = gitAt(dir);
  const prNumber = values.pr !== undefined ? Number(values.pr) : pullRequestFromEvent(io.env);
  if (values.pr !== undefined && !(Number.isInteger(prNumber) && prNumber! > 0)) throw new UsageError(`--pr must be a PR number, got "${values.pr}"`);
  if (values.post && prNumber === undefined) throw new UsageError('--post needs a PR: --pr N, or run it on a pull_request event');
  const github = prNumber !== undefined && (values.pr !== undefined || values.post) ? gitHubFromEnv(io.env) : undefined;
  const pullRequest = github && prNumber !== undefined ? await github.getPullRequest(prNumber) : undefined;
  const post = (conclusion: 'success' | 'failure', title: string, summary: string, text: string) =>
    values.post && github && pullRequest ? github.createCheckRun({ name: 'rollgate plan', headSha: pullRequest.headSha, conclusion, title, summary, text, annotations: [] }) : undefined;

  let head;
  try {
    head = await loadHeadModel(io, dir, git, values.head);
  } catch (error) {
    // An invalid PR is refused on the PR too, not only in the log.
    if (error instanceof ConfigInvalid) await post('failure', 'refused: the config is invalid', error.message, 'Run `rollgate validate` on the branch; the validate workflow annotates every problem.');
    throw error;
  }
  const { model, sha } = head;
  const main = model.environments[0]?.doc.spec.mainBranch ?? 'main';
  const base = values.base ?? ((await git.resolve(`refs/remotes/origin/${main}`)) ? `origin/${main}` : main);
  if (!(await git.resolve(base))) throw new UsageError(`--base ${base}: no such ref`);
  const { changeSet, ...policy } = await evaluatePolicy({ git, head: model, headRef: { ref: values.head ?? 'HEAD', ...(sha ? { sha } : {}) }, baseRef: base, now: io.now(), ...(github ? { mergeTimes: mergeTimesFrom(github, main) } : {}) });

  // Config changes: count the reviews they need, with base's groups, on the PR.
  let approvals: ApprovalReport[] | undefined;
  if (github && pullRequest) {
    const members = await groupMembers(github, changeSet.base.environments[0]?.doc.spec.approverGroups ?? {}, policy.reviews.map((r) => r.group));
    approvals = policy.reviews.length ? countApprovals(policy.reviews, members, await github.listReviews(pullRequest.number), pullRequest.headSha, pullRequest.author) : [];
  }
  const missing = (approvals ?? []).filter((a) => !a.ok);
  const verdict = { ...policy, allowed: policy.allowed && missing.length === 0, ...(approvals ? { approvals } : {}) };

  if (format === 'json') {
    io.stdout(JSON.stringify(verdict, null, 2) + '\n');
  } else {
    const n = verdict.changes.length;
    const out = [`plan: ${values.head ?? 'HEAD'} against ${base} (${verdict.base.sha.slice(0, 7)}): ${n} change${n === 1 ? '' : 's'}`];
    for (const c of verdict.changes) out.push(`  ${c.kind.padEnd(20)} ${c.rollout ? `${c.rollout}: ` : ''}${c.detail}`);
    if (verdict.exposure.length) {
      out.push('', 'who is served:');
      for (const e of verdict.exposure) out.push(`  ${e.increases ? '▲' : '▼'} ${e.detail}`);
    }
    if (verdict.refusals.length) {
      out.push('', 'refused:');
      for (const r of verdict.refusals) out.push(`  ${r.file ?? ''}${r.line ? `:${r.line}:${r.col}` : ''} ${r.code} ${r.message}`, `    hint: ${r.hint}`);
    }
    if (verdict.reviews.length) {
      out.push('', 'config changes need reviews:');
      for (const r of verdict.reviews) {
        const got = approvals?.find((a) => a.group === r.group);
        out.push(`  ${got ? (got.ok ? '✓' : '✗') : '·'} ${r.group}: ${r.count} approval${r.count === 1 ? '' : 's'}${got ? ` (${got.approvedBy.length ? `approved by ${got.approvedBy.join(', ')}` : 'none yet'})` : ''} — for ${r.because.slice(0, 3).join('; ')}${r.because.length > 3 ? '; …' : ''}`);
      }
    }
    if (!verdict.allowed) {
      if (missing.length) out.push('', `refused: waiting for approvals from ${missing.map((a) => a.group).join(', ')}`);
    } else out.push('', verdict.moves.length ? `allowed, once the gate${verdict.moves.length > 1 ? 's' : ''} of ${verdict.moves.map((m) => `${m.rollout} ${m.env} → ${m.to}`).join(', ')} say${verdict.moves.length > 1 ? '' : 's'} GO: rollgate gate ${verdict.moves[0].rollout} --env ${verdict.moves[0].env} --base ${base}` : 'allowed');
    if (format === 'github') {
      io.stdout(renderAnnotations(verdict.refusals.map((r) => ({ code: r.code, severity: 'error' as const, file: r.file ?? '', line: r.line ?? 1, col: r.col ?? 1, message: r.message, hint: r.hint }))));
      if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, `## rollgate plan\n\n\`\`\`\n${out.join('\n')}\n\`\`\`\n`);
    }
    io.stdout(out.join('\n') + '\n');
  }
  await post(
    verdict.allowed ? 'success' : 'failure',
    verdict.allowed ? `allowed: ${verdict.changes.length} change(s)` : `refused: ${verdict.refusals.length} refusal(s)${missing.length ? `, approvals missing from ${missing.map((a) => a.group).join(', ')}` : ''}`,
    [...verdict.refusals.map((r) => `- ${r.code}: ${r.message}`), ...missing.map((a) => `- approvals: ${a.group} ${a.approvedBy.length}/${a.required}`)].join('\n') || 'nothing refused',
    verdict.changes.map((c) => `- ${c.kind}: ${c.rollout ? `${c.rollout}: ` : ''}${c.detail}`).join('\n'),
  );
  return verdict.allowed ? 0 : 1;
}

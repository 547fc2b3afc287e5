import { durationMs, formatDuration } from '../config/duration.ts';
import type { ConfigModel, Located } from '../config/model.ts';
import type { MetricsProvider as MetricsSettings, RolloutDocument } from '../config/schema/index.ts';
import { assess } from '../gates/assess.ts';
import { measureCriteria } from '../gates/evaluate-gate.ts';
import { runGate } from '../gates/run-gate.ts';
import type { Git } from '../git/port.ts';
import { stageHistory, type StageChange } from '../git/stage-history.ts';
import type { GitHub, PullRequest } from '../github/port.ts';
import type { MetricsProvider } from '../metrics/port.ts';
import { activeFreeze } from '../policy/freeze.ts';
import { timelineOf } from '../report/timeline.ts';
import { validModelAt } from '../rules/validate-at-ref.ts';
import { advanceBranch, advanceTitle, commitAdvance, openAdvancePullRequest } from './advance-pr.ts';
import { readiness, type Readiness, type StepFacts } from './readiness.ts';
import { upstreamOf, type Upstream } from './upstream.ts';

/** The label every bot PR carries: how the bot finds its own PRs again. */
export const PROPOSAL_LABEL = 'rollgate-proposal';
const MARKER = (rollout: string, env: string) => `<!-- rollgate:proposal ${rollout} ${env} -->`;

export interface ProposeDeps {
  git: Git;
  github: GitHub;
  provider(settings: MetricsSettings, staticText: string | undefined): MetricsProvider;
  now: number;
  /** The ref of main to read (default origin/<mainBranch> when it exists, else <mainBranch>). */
  mainRef?: string;
  /** A link to the run, shown in the PR. */
  runUrl?: string;
  dryRun?: boolean;
}

export type Action = 'opened' | 'updated' | 'closed' | 'waiting' | 'skipped' | 'would-open' | 'would-close' | 'limit';

/** What the bot did (or would do) about one step: plain data for reports. */
export interface ProposalResult {
  rollout: string;
  env: string;
  from: string;
  to: string;
  mode: 'manual' | 'propose' | 'auto';
  action: Action;
  readiness?: Readiness;
  pr?: number;
  autoMerge?: boolean;
}

/**
 * One run of the progression bot: for every rollout and environment in promotion order,
 * whether the next step is ready on main (see `readiness`), then the PR follows: opened or
 * updated when ready (auto-merge on in `auto` mode), commented on and closed when it stops
 * being ready. Idempotent: the branch and the label find the bot's PR again; the bot never
 * merges, and branch protection and the gate workflow still decide.
 */
export async function propose(deps: ProposeDeps): Promise<ProposalResult[]> {
  const { git, github } = deps;
  const probe = await validModelAt(git, deps.mainRef ?? 'HEAD');
  const mainBranch = probe.model.environments[0]?.doc.spec.mainBranch ?? 'main';
  const mainRef = deps.mainRef ?? ((await git.resolve(`refs/remotes/origin/${mainBranch}`)) ? `origin/${mainBranch}` : mainBranch);
  const { sha, model } = deps.mainRef ? probe : await validModelAt(git, mainRef);
  const spec = model.environments[0]!.doc.spec;
  const order = spec.promotionOrder;
  const max = spec.progression?.maxOpenProposals ?? 5;
  const open = await github.listPullRequests(PROPOSAL_LABEL);
  let openCount = open.length;
  const results: ProposalResult[] = [];

  for (const rollout of [...model.rollouts].sort((a, b) => a.doc.metadata.name.localeCompare(b.doc.metadata.name))) {
    const name = rollout.doc.metadata.name;
    const mode = rollout.doc.spec.progression ?? spec.progression?.default ?? 'manual';
    const names = rollout.doc.spec.stages.map((s) => s.name);
    const history = await stageHistory(git, rollout.file.path, sha);
    for (const env of order.filter((e) => Object.hasOwn(rollout.doc.spec.environments, e))) {
      const from = rollout.doc.spec.environments[env].stage;
      const to = names[names.indexOf(from) + 1];
      if (!to) continue; // at its last stage
      const branch = advanceBranch(name, env);
      const existing = open.find((p) => p.head === branch);
      const base = { rollout: name, env, from, to, mode };
      if (mode === 'manual') {
        results.push({ ...base, action: 'skipped' });
        continue;
      }
      const facts = await stepFacts(deps, model, sha, rollout, env, from, to, history, order, existing);
      const ready = readiness(facts);
      if (ready.ready) {
        if (!existing && openCount >= max) {
          results.push({ ...base, action: 'limit', readiness: ready });
          continue;
        }
        if (deps.dryRun) {
          results.push({ ...base, action: existing ? 'updated' : 'would-open', readiness: ready, ...(existing ? { pr: existing.number } : {}) });
          continue;
        }
        const pr = await openOrUpdate(deps, { sha, mainBranch, rollout, env, from, to, facts, ready, existing, mode, history });
        if (!existing) openCount++;
        results.push({ ...base, action: existing ? 'updated' : 'opened', readiness: ready, pr: pr.number, autoMerge: mode === 'auto' });
      } else if (existing) {
        if (!deps.dryRun) {
          await github.upsertComment(existing.number, MARKER(name, env), `Closed by rollgate propose: ${env} ${from} → ${to} is not ready any more.\n\n${ready.why.map((w) => `- ${w}`).join('\n')}\n${deps.runUrl ? `\nRun: ${deps.runUrl}\n` : ''}`);
          await github.closePullRequest(existing.number);
          openCount--;
        }
        results.push({ ...base, action: deps.dryRun ? 'would-close' : 'closed', readiness: ready, pr: existing.number });
      } else results.push({ ...base, action: 'waiting', readiness: ready });
    }
  }
  return results;
}

async function stepFacts(deps: ProposeDeps, model: ConfigModel, sha: string, rollout: Located<RolloutDocument>, env: string, from: string, to: string, history: StageChange[], order: string[], existing: PullRequest | undefined): Promise<StepFacts> {
  const name = rollout.doc.metadata.name;
  const gate = await runGate({
    rollout: name,
    env,
    to,
    base: sha,
    head: model,
    git: deps.git,
    provider: deps.provider,
    now: deps.now,
    ...(existing ? { pr: { github: deps.github, pullRequest: existing } } : {}),
  });
  const freeze = activeFreeze(model, env, deps.now);
  const upstream = upstreamFact(upstreamOf(rollout.doc, env, to, history, order), env, to, deps.now);
  const rows = rollout.doc.spec.rollback ?? [];
  let matrix;
  if (rows.length) {
    const settings = model.environments[0]!.doc.spec.environments[env];
    const staticText = settings.metrics.type === 'static' && settings.metrics.file ? await deps.git.show(sha, settings.metrics.file) : undefined;
    const ctx = { model, rollout, env, stage: from, provider: deps.provider(settings.metrics, staticText), history, now: deps.now };
    const measured = await Promise.all(rows.map((row) => measureCriteria(ctx, row.when.all ?? row.when.any ?? [])));
    matrix = assess({ name, stages: rollout.doc.spec.stages.map((s) => s.name) }, env, from, rows, measured, (m) => model.metricCatalog.get(m)?.metric);
  }
  return { rollout: name, env, from, to, gate, ...(freeze ? { freeze } : {}), ...(upstream ? { upstream } : {}), ...(matrix ? { matrix } : {}) };
}

/** The upstream's part of a step's facts: far enough now, or why not. */
function upstreamFact(u: Upstream | undefined, env: string, to: string, now: number): StepFacts['upstream'] {
  if (!u) return undefined;
  if (u.behind) return { env: u.env, ok: false, why: `${u.env} is at ${u.stage}: ${env} follows it into ${to}` };
  if (u.stage !== to || !u.bake) return { env: u.env, ok: true, why: `${u.env} is at ${u.stage}` };
  const elapsed = u.since ? now - Date.parse(u.since) : 0;
  const left = (durationMs(u.bake) ?? 0) - elapsed;
  return left > 0 ? { env: u.env, ok: false, why: `${u.env} has been in ${to} for ${formatDuration(Math.max(0, elapsed))} of its ${u.bake} bake: ${env} follows after it` } : { env: u.env, ok: true, why: `${u.env} has baked in ${to}` };
}

interface Open {
  sha: string;
  mainBranch: string;
  rollout: Located<RolloutDocument>;
  env: string;
  from: string;
  to: string;
  facts: StepFacts;
  ready: Readiness;
  existing: PullRequest | undefined;
  mode: 'propose' | 'auto';
  /** The rollout's stage history on main: the PR body's stage charts. */
  history: StageChange[];
}

async function openOrUpdate(deps: ProposeDeps, o: Open): Promise<{ number: number }> {
  const name = o.rollout.doc.metadata.name;
  const path = o.rollout.file.path;
  const text = await deps.git.show(o.sha, path);
  if (text === undefined) throw new Error(`${path} is not on main`);
  const report = o.facts.gate;
  const title = advanceTitle(name, o.env, o.from, o.to, report.to.percentage);
  const branch = advanceBranch(name, o.env);
  await commitAdvance(deps.git, { base: o.sha, path, text, env: o.env, to: o.to, branch, title, note: `Proposed by rollgate propose. Gate: ${report.decision}.` });
  const waits = o.ready.waitsFor.length ? o.ready.waitsFor.map((w) => `- ${w}`).join('\n') : '- nothing from people: the required checks';
  return openAdvancePullRequest(deps, {
    branch,
    mainBranch: o.mainBranch,
    title,
    paragraphs: [
      `**Proposed automatically** by \`rollgate propose\`${deps.runUrl ? ` ([run](${deps.runUrl}))` : ''}: the step is ready on \`${o.mainBranch}\` (${o.sha.slice(0, 7)}). ${o.mode === 'auto' ? 'Auto-merge is on: it merges once every required check and review passes.' : 'A person merges it.'}`,
      '**Waits for**',
      waits,
    ],
    report,
    timeline: timelineOf(o.rollout.doc, o.history),
    existing: o.existing,
    labels: ['rollgate', 'advance', PROPOSAL_LABEL],
    autoMerge: o.mode === 'auto',
  });
}

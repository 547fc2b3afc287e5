import type { ConfigModel, Located } from '../config/model.ts';
import type { RolloutDocument } from '../config/schema/index.ts';
import { stageHistory } from '../git/stage-history.ts';
import type { Git } from '../git/port.ts';
import type { GitHub, PullRequest } from '../github/port.ts';
import type { MetricsProvider } from '../metrics/port.ts';
import { rolloutAt, tickedChecks } from './at-ref.ts';
import { evaluateGate, gateStages, GateError } from './evaluate-gate.ts';
import type { GateReport } from './report.ts';

export interface RunGateInput {
  model: ConfigModel;
  rollout: Located<RolloutDocument>;
  env: string;
  to?: string;
  /** The PR's base: its stage, its gate definitions and its history are what counts. */
  base?: string;
  git: Git;
  provider: MetricsProvider;
  now: number;
  /** The PR being gated, to count reviews and read ticked checks. */
  pr?: { github: GitHub; pullRequest: PullRequest };
}

/**
 * Evaluates the gate into the next (or given) stage. With a base ref the environment's
 * current stage, the gate definition and the bake history come from the base: a PR cannot
 * weaken a gate and pass through the weaker gate at once.
 */
export async function runGate(input: RunGateInput): Promise<GateReport> {
  const { rollout, env, git } = input;
  const path = rollout.file.path;
  let from: string;
  let to: string;
  let gate;
  let gateFrom: string;
  let history;
  if (input.base) {
    const sha = await git.resolve(input.base);
    if (!sha) throw new GateError(`--base ${input.base}: no such ref`);
    const base = await rolloutAt(git, sha, path);
    gateFrom = `${input.base} (${sha.slice(0, 7)})`;
    if (!base) throw new GateError(`${path} does not exist (or is not valid) on ${gateFrom}: a new rollout enters its first stage without a gate`);
    const baseStage = base.spec.environments[env]?.stage;
    if (!baseStage) throw new GateError(`${rollout.doc.metadata.name} has no environment ${env} on ${gateFrom}`);
    const headStage = rollout.doc.spec.environments[env]?.stage;
    const names = rollout.doc.spec.stages.map((s) => s.name);
    const target = input.to ?? (headStage && names.indexOf(headStage) > names.indexOf(baseStage) ? headStage : undefined);
    ({ from, to } = gateStages(rollout.doc, env, baseStage, target));
    gate = base.spec.gates?.[to];
    history = await stageHistory(git, path, sha);
  } else {
    ({ from, to } = gateStages(rollout.doc, env, undefined, input.to));
    gate = rollout.doc.spec.gates?.[to];
    gateFrom = `HEAD (${(await git.head()).slice(0, 7)})`;
    history = await stageHistory(git, path);
  }

  let ticked = new Set<string>();
  let reviews;
  if (input.pr) {
    const { github, pullRequest } = input.pr;
    ticked = tickedChecks(pullRequest.body);
    const groups = input.model.environments[0]?.doc.spec.approverGroups ?? {};
    const members = new Map<string, string[]>();
    for (const a of gate?.approvals ?? []) {
      const listed = groups[a.group]?.members ?? [];
      const logins = await Promise.all(listed.map((m) => (m.includes('/') ? github.teamMembers(m) : Promise.resolve([m.replace(/^@/, '')]))));
      members.set(a.group, logins.flat());
    }
    reviews = { members, list: await github.listReviews(pullRequest.number), headSha: pullRequest.headSha, author: pullRequest.author };
  }
  return evaluateGate({ model: input.model, rollout, env, from, to, gate, gateFrom, provider: input.provider, history, now: input.now, ticked, reviews });
}

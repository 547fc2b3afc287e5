import type { ConfigModel, Located } from '../config/model.ts';
import type { MetricsProvider as MetricsSettings, RolloutDocument } from '../config/schema/index.ts';
import { stageHistory, type MergeTimes, type StageChange } from '../git/stage-history.ts';
import type { Git } from '../git/port.ts';
import type { GitHub, PullRequest } from '../github/port.ts';
import type { MetricsProvider } from '../metrics/port.ts';
import { evaluatePolicy } from '../policy/evaluate.ts';
import { groupMembers } from './approvals.ts';
import { tickedChecks } from './checklist.ts';
import { evaluateGate, gateStages, GateError } from './evaluate-gate.ts';
import type { GateReport } from './report.ts';

export interface RunGateInput {
  /** The rollout named on the command line: the intent. */
  rollout: string;
  /** The environment: every caller names it (the CLI by the one rule of commands/default-env.ts). */
  env: string;
  to?: string;
  /**
   * A PR's base ref. With it, everything the gate reads comes from base, loaded from git
   * objects with the loader validate uses: the stage list, the gate, the metric catalog,
   * the provider settings, the approver groups, the bake history, the flag. `head` then
   * supplies only the intent (which stage the PR moves the environment to), and the PR
   * policy is checked here too: the gate never relies on `plan` having run.
   */
  base?: string;
  /** The model the PR proposes (base mode) or the repository's (no base). */
  head: ConfigModel;
  git: Git;
  /** Opens the provider from the trusted environment settings; `staticText` is base's static metrics file. */
  provider(settings: MetricsSettings, staticText: string | undefined): MetricsProvider;
  now: number;
  /** The PR being gated, to count reviews and read ticked checks. */
  pr?: { github: GitHub; pullRequest: PullRequest };
  mergeTimes?: MergeTimes;
}

/** Evaluates the gate into the next (or given) stage, from the trusted model. */
export async function runGate(input: RunGateInput): Promise<GateReport> {
  const { git, env } = input;
  let trusted: ConfigModel;
  let gateFrom: string;
  let refusals: string[] = [];
  let intended: string | undefined = input.to;
  let baseSha: string | undefined;
  if (input.base) {
    const policy = await evaluatePolicy({ git, head: input.head, headRef: { ref: 'head' }, baseRef: input.base, now: input.now, ...(input.mergeTimes ? { mergeTimes: input.mergeTimes } : {}) });
    trusted = policy.changeSet.base;
    baseSha = policy.base.sha;
    gateFrom = `${input.base} (${baseSha.slice(0, 7)})`;
    // The gate shows bake itself; every other policy refusal of this move makes it NO-GO.
    refusals = policy.refusals.filter((r) => r.move?.rollout === input.rollout && r.move.env === env && r.code !== 'policy/bake').map((r) => `refused by ${r.code}: ${r.message}`);
    const move = policy.moves.find((m) => m.rollout === input.rollout && m.env === env);
    intended ??= move?.to;
  } else {
    trusted = input.head;
    gateFrom = `HEAD (${(await git.head()).slice(0, 7)})`;
  }

  const rollout = trusted.rolloutByName.get(input.rollout);
  const settings = trusted.environments[0]?.doc.spec.environments[env];
  if (!rollout || !settings || !rollout.doc.spec.environments[env]) {
    const why = !settings ? `no environment "${env}" on ${gateFrom}` : !rollout ? `no rollout "${input.rollout}" on ${gateFrom}` : `${input.rollout} has no environment "${env}" on ${gateFrom}`;
    if (!input.base) throw new GateError(why);
    return refusedReport(input, env, gateFrom, [`no gate on ${gateFrom} can allow this: ${why}`, ...refusals]);
  }
  const names = rollout.doc.spec.stages.map((s) => s.name);
  const current = rollout.doc.spec.environments[env].stage;
  const target = intended !== undefined && names.includes(intended) && names.indexOf(intended) > names.indexOf(current) ? intended : input.to;
  if (input.base && intended !== undefined && target === undefined) {
    return refusedReport(input, env, gateFrom, [`${env} is at ${current} on ${gateFrom}; the PR moves it to ${intended}, which is not a stage ahead of it there`, ...refusals], rollout);
  }
  const { from, to } = gateStages(rollout.doc, env, current, target);
  const history: StageChange[] = await stageHistory(git, rollout.file.path, baseSha ?? 'HEAD', input.mergeTimes);
  const staticText = settings.metrics.type === 'static' && settings.metrics.file && baseSha ? await git.show(baseSha, settings.metrics.file) : undefined;
  if (settings.metrics.type === 'static' && baseSha && staticText === undefined) throw new GateError(`the static metrics file ${settings.metrics.file} does not exist on ${gateFrom}`);
  const provider = input.provider(settings.metrics, staticText);
  const gate = rollout.doc.spec.gates?.[to];

  let ticked = new Set<string>();
  let reviews;
  if (input.pr) {
    const { github, pullRequest } = input.pr;
    ticked = tickedChecks(pullRequest.body);
    const members = await groupMembers(github, trusted.environments[0]?.doc.spec.approverGroups ?? {}, (gate?.approvals ?? []).map((a) => a.group));
    reviews = { members, list: await github.listReviews(pullRequest.number), headSha: pullRequest.headSha, author: pullRequest.author };
  }
  const report = await evaluateGate({ model: trusted, rollout, env, from, to, gate, gateFrom, provider, history, now: input.now, ticked, reviews });
  return refusals.length ? { ...report, decision: 'NO-GO', reasons: [...refusals, ...report.reasons] } : report;
}


/** NO-GO without measuring: nothing on base could allow the move. */
function refusedReport(input: RunGateInput, env: string, gateFrom: string, reasons: string[], rollout?: Located<RolloutDocument>): GateReport {
  const head = input.head.rolloutByName.get(input.rollout);
  const doc = rollout?.doc ?? head?.doc;
  const stage = (name: string | undefined) => ({ stage: name ?? '(none)', percentage: doc?.spec.stages.find((s) => s.name === name)?.percentage ?? 0 });
  return {
    rollout: input.rollout,
    flag: doc?.spec.flag ?? '',
    env,
    file: rollout?.file.path ?? head?.file.path ?? '',
    from: stage(rollout?.doc.spec.environments[env]?.stage),
    to: stage(head?.doc.spec.environments[env]?.stage ?? input.to),
    decision: 'NO-GO',
    reasons,
    mustPass: [],
    shouldPass: { atLeast: 0, passed: 0, criteria: [] },
    blockers: [],
    bake: { ok: false },
    approvals: [],
    checks: [],
    gateFrom,
    provider: 'none (nothing measured: refused before any gate)',
    evaluatedAt: new Date(input.now).toISOString(),
  };
}

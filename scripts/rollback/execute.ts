import { rolloutAt } from '../rules/validate-at-ref.ts';
import { setStage } from '../git/edit-stage.ts';
import type { Git } from '../git/port.ts';
import { stageHistory } from '../git/stage-history.ts';
import type { GitHub } from '../github/port.ts';
import { validateRepository } from '../rules/validate-repository.ts';
import type { FlagStore } from '../stores/port.ts';
import { runSync, type EnvResult } from '../sync/sync.ts';
import { planRollback, RollbackRefused, type RollbackPlan } from './plan.ts';
import type { Trailer } from './trailers.ts';

export interface RollbackRequest {
  rollout: string;
  env: string;
  to?: string;
  /** Why, in one line (newlines and control characters are replaced): it becomes the Reason trailer. */
  reason: string;
  /** More trailers for the commit message, after Reason (the webhook's Alert-Key). */
  trailers?: Trailer[];
  /** The stage the decision was made at: refused when main's tip has the environment elsewhere (main moved on). */
  from?: string;
}

export interface RollbackDeps {
  dir: string;
  git: Git;
  mainBranch: string;
  /** The rollout file's path in the repository. */
  path: string;
  openStore(env: string): FlagStore;
}

export interface EmergencyResult {
  plan: RollbackPlan;
  commit: string;
  /** Pushes it took: more than one when main moved on meanwhile. */
  attempts: number;
  sync: EnvResult;
}

const ATTEMPTS = 4;

/**
 * The emergency path: commit the rollback on top of origin's main and push it (on a
 * rejected push: fetch, redo the edit on the new tip, push again), move the local checkout
 * forward, then sync that environment at once. Git stays the truth: the store only ever
 * gets what main says. No branch points at the commit while it is pushed: it goes by its SHA,
 * so nothing is left behind whether the push lands or not.
 */
export async function emergencyRollback(deps: RollbackDeps, request: RollbackRequest): Promise<EmergencyResult> {
  const { git, mainBranch, path } = deps;
  await checkoutFollowsOrigin(deps);
  let refusedOn: string | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const tip = await git.fetch(mainBranch);
    // Rejected while main stayed where it was: not a race that a retry wins, but a refusal.
    if (tip === refusedOn) throw new RollbackRefused(`origin refused the push to ${mainBranch} although ${mainBranch} had not moved (${tip.slice(0, 7)}): branch protection or a hook refuses this checkout's pushes; give it push rights, or roll back through a PR (without --emergency)`);
    const { plan, text } = await prepare(git, tip, path, request);
    const commit = await git.commitFile(tip, path, text, plan.message);
    if (!(await git.pushCommit(commit, mainBranch))) {
      refusedOn = tip;
      continue;
    }
    await git.fastForward(commit);
    const { model } = await validateRepository(deps.dir);
    const [sync] = await runSync({ model, envs: [request.env], mode: 'apply', git, mainBranch, openStore: deps.openStore });
    return { plan, commit, attempts: attempt, sync };
  }
  throw new RollbackRefused(`origin's ${mainBranch} kept moving: the push was rejected ${ATTEMPTS} times`);
}

/** A rollback made here only: the commit, the branch that holds it, and the tip of origin's main it is based on. */
export interface LocalRollback {
  plan: RollbackPlan;
  commit: string;
  branch: string;
  /** origin's main when it was made: the commit's parent. */
  base: string;
}

/**
 * The emergency commit without pushing (--no-push): on top of origin's main, and the local
 * main moved forward to it. Nothing is pushed and nothing is synced; pushing main and
 * running the sync finishes it.
 */
export async function emergencyRollbackLocal(deps: RollbackDeps, request: RollbackRequest): Promise<LocalRollback> {
  const { git, mainBranch, path } = deps;
  await checkoutFollowsOrigin(deps);
  const tip = await git.fetch(mainBranch);
  const { plan, text } = await prepare(git, tip, path, request);
  const commit = await git.commitFile(tip, path, text, plan.message);
  await git.fastForward(commit);
  return { plan, commit, branch: mainBranch, base: tip };
}

/** The checkout is on main and has nothing origin's main lacks: the emergency commit can land on both. */
async function checkoutFollowsOrigin(deps: RollbackDeps): Promise<void> {
  const { git, mainBranch } = deps;
  if ((await git.currentBranch()) !== mainBranch) throw new RollbackRefused(`the checkout at ${deps.dir} is not on ${mainBranch}: an emergency rollback lands on ${mainBranch} and syncs from it`);
  const tip = await git.fetch(mainBranch);
  if (!(await git.isAncestor(await git.head(), tip))) throw new RollbackRefused(`${mainBranch} at ${deps.dir} has commits that origin's ${mainBranch} lacks: push or drop them first (an emergency rollback lands on origin's ${mainBranch})`);
}

/** The branch a rollback PR of `rollout` in `env` comes from: one per pair, so a second request updates the open PR. */
export const rollbackBranch = (rollout: string, env: string) => `rollgate/rollback/${rollout}/${env}`;

/** The rollback PR's branch, made here: a branch off origin's main with the rollback commit, not pushed (--no-push, and the first step of the PR path). */
export async function rollbackBranchLocal(deps: RollbackDeps, request: RollbackRequest): Promise<LocalRollback> {
  const { git, mainBranch, path } = deps;
  const tip = await git.fetch(mainBranch);
  const { plan, text } = await prepare(git, tip, path, request);
  const branch = rollbackBranch(plan.rollout, plan.env);
  const commit = await git.commitFile(tip, path, text, plan.message, branch);
  return { plan, commit, branch, base: tip };
}

/** The PR path: a branch off main with the rollback commit, pushed, and a PR labelled rollback (updated if open). */
export async function rollbackPullRequest(deps: RollbackDeps, github: GitHub, request: RollbackRequest): Promise<{ plan: RollbackPlan; number: number; url: string; created: boolean }> {
  const { git, mainBranch } = deps;
  const { plan, branch } = await rollbackBranchLocal(deps, request);
  await git.push(branch);
  const title = plan.message.split('\n')[0];
  const body = `${plan.message.split('\n').slice(1).join('\n').trim()}\n\nA rollback needs no gate: merge it and the sync applies it. \`rollgate rollback --emergency\` lands it on ${mainBranch} at once instead.`;
  const open = await github.findPullRequest(branch);
  if (open) {
    await github.updatePullRequest(open.number, { title, body });
    return { plan, number: open.number, url: open.url, created: false };
  }
  const pr = await github.createPullRequest({ title, head: branch, base: mainBranch, body });
  await github.addLabels(pr.number, ['rollgate', 'rollback']);
  return { plan, number: pr.number, url: pr.url, created: true };
}

async function prepare(git: Git, tip: string, path: string, request: RollbackRequest): Promise<{ plan: RollbackPlan; text: string }> {
  const text = await git.show(tip, path);
  const doc = await rolloutAt(git, tip, path);
  if (text === undefined || !doc) throw new RollbackRefused(`${path} is not on the tip of main (or not valid there)`);
  if (request.from !== undefined) {
    const at = Object.hasOwn(doc.spec.environments, request.env) ? doc.spec.environments[request.env].stage : undefined;
    if (at !== request.from) throw new RollbackRefused(`${request.rollout} is at ${at ?? 'no stage'} in ${request.env} on the tip of main, not ${request.from} where it was judged: main moved on meanwhile`);
  }
  const plan = planRollback(doc, request.env, await stageHistory(git, path, tip), request.to, request.reason, request.trailers);
  return { plan, text: setStage(text, request.env, plan.to) };
}

// Every verb of the CLI, in the order the help lists them; scripts/rollgate.ts dispatches on it.
import type { Io } from './common.ts';

export type Command = { run(argv: string[], io: Io): Promise<number>; usage: string };

/** Verbs load lazily so `validate` never pays for octokit or a store client. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: { summary: 'check every file under rollout/ and alerts/', load: () => import('./validate.ts') },
  sync: { summary: 'converge the flag store to HEAD of main (--check: compare only)', load: () => import('./sync.ts') },
  status: { summary: 'stage, percentage, since when, bake left, store value, drift', load: () => import('./status.ts') },
  history: { summary: 'every stage change of a rollout, from git', load: () => import('./history.ts') },
  plan: { summary: 'what HEAD changes against the base branch, and the PR policy verdict', load: () => import('./plan.ts') },
  assess: { summary: 'read the rollback decision matrix against current metrics', load: () => import('./assess.ts') },
  rollback: { summary: 'undo the last advance (or go to --to), as a PR or --emergency on main with a sync', load: () => import('./rollback.ts') },
  alerts: { summary: 'export Prometheus rules and an Alertmanager config; run the alert unit tests', load: () => import('./alerts.ts') },
  webhook: { summary: 'receive Alertmanager webhooks and roll back in git', load: () => import('./webhook.ts') },
  watch: { summary: 'evaluate every rollback matrix now and act on it (rollback, PR, hold comment), once or on an interval', load: () => import('./watch.ts') },
  advance: { summary: 'open the PR that advances a rollout one stage, with its gate report', load: () => import('./advance.ts') },
  propose: { summary: 'the progression bot: open (or close) the advance PR of every step that is ready on main', load: () => import('./propose.ts') },
  gate: { summary: 'evaluate the gate into the next stage: GO, NO-GO, CONDITIONAL, INCONCLUSIVE', load: () => import('./gate.ts') },
  report: { summary: 'write a static HTML report: every rollout, its stage over time, gate verdicts, rollbacks', load: () => import('./report.ts') },
  doctor: { summary: "check the GitHub settings rollgate's guarantees rest on (protection, CODEOWNERS, tokens)", load: () => import('./doctor.ts') },
  explain: { summary: 'what a diagnostic code checks, with a bad example from the corpus', load: () => import('./explain.ts') },
  completion: { summary: 'print shell completion for bash, zsh or fish', load: () => import('./completion.ts') },
  init: { summary: 'make a new repository: environments, channels, catalog, an example rollout, workflows', load: () => import('./init.ts') },
  new: { summary: 'add a rollout (new rollout NAME --stages 0,1,5,25,100) with its alerts and alert test', load: () => import('./new.ts') },
};

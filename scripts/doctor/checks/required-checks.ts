import { list, type DoctorCheck } from '../check.ts';

/**
 * The status checks a PR into main must pass: the job names of rollgate's workflows. The gate
 * job runs `rollgate plan` and posts every `rollgate gate: ROLLOUT ENV` check run, failing when
 * the plan is refused or a gate is not GO; those check runs are named per rollout, so the job
 * is what a branch can require.
 */
export const REQUIRED_CHECKS = [
  { context: 'validate', what: 'the validate workflow: config, alert rules, tests' },
  { context: 'gate', what: 'the gate workflow: rollgate plan and every "rollgate gate: …" check' },
] as const;

export const requiredChecks: DoctorCheck = {
  id: 'branch/required-checks',
  description: 'Pull requests must pass the validate and gate jobs',
  check({ layers }) {
    const required = new Set(layers.flatMap((l) => l.checks.map((c) => c.context)));
    const missing = REQUIRED_CHECKS.filter((c) => !required.has(c.context));
    if (!missing.length) return { ok: true, message: `required status checks include ${list(REQUIRED_CHECKS.map((c) => c.context))}` };
    return {
      ok: false,
      message: `required status checks lack ${list(missing.map((c) => `${c.context} (${c.what})`))}`,
      fix: `add ${list(missing.map((c) => `"${c.context}"`))} under "Require status checks to pass" (branch protection or ruleset); they appear there once the workflows have run`,
    };
  },
};

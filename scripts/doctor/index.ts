import type { DoctorCheck, DoctorResult } from './check.ts';
import { actionsCannotApprove } from './checks/actions-cannot-approve.ts';
import { approvalsRequired } from './checks/approvals.ts';
import { botPermission } from './checks/bot-permission.ts';
import { codeOwnerReview } from './checks/code-owner-review.ts';
import { codeownersCoverage } from './checks/codeowners-coverage.ts';
import { codeownersErrors } from './checks/codeowners-errors.ts';
import { codeownersExists } from './checks/codeowners-exists.ts';
import { deletionBlocked } from './checks/deletion.ts';
import { dismissStale } from './checks/dismiss-stale.ts';
import { forcePushBlocked } from './checks/force-push.ts';
import { noBypass } from './checks/no-bypass.ts';
import { branchProtected } from './checks/protected.ts';
import { pullRequestRequired } from './checks/pull-request.ts';
import { requiredChecks } from './checks/required-checks.ts';
import { tokenReadOnly } from './checks/token-read-only.ts';
import type { RepositoryFacts } from './facts.ts';
import { layersOf } from './layers.ts';

/** Every check, in the order the report lists them. */
export const CHECKS: readonly DoctorCheck[] = [
  branchProtected,
  pullRequestRequired,
  approvalsRequired,
  codeOwnerReview,
  dismissStale,
  requiredChecks,
  forcePushBlocked,
  deletionBlocked,
  noBypass,
  codeownersExists,
  codeownersCoverage,
  codeownersErrors,
  botPermission,
  tokenReadOnly,
  actionsCannotApprove,
];

/** The doctor's report: every check run over the same facts. */
export interface DoctorReport {
  ok: boolean;
  repository: string;
  branch: string;
  checks: DoctorResult[];
}

export function runDoctor(facts: RepositoryFacts, checks: readonly DoctorCheck[] = CHECKS): DoctorReport {
  const ctx = { facts, layers: layersOf(facts) };
  const results = checks.map((c) => ({ id: c.id, ...c.check(ctx) }));
  return { ok: results.every((r) => r.ok), repository: facts.repository, branch: facts.branch, checks: results };
}

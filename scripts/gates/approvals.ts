import type { GitHub, Review } from '../github/port.ts';
import type { ApprovalReport } from './report.ts';

/**
 * Counts approvals per required group: the latest review of each user must be APPROVED on
 * the head commit, the user must be in the group, and the PR's author never counts.
 * `members` maps a group to the GitHub logins in it (teams already expanded).
 */
export function countApprovals(required: { group: string; count: number }[], members: ReadonlyMap<string, string[]>, reviews: Review[], headSha: string, author: string): ApprovalReport[] {
  const latest = new Map<string, Review>();
  for (const r of [...reviews].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))) {
    if (r.state === 'COMMENTED' || r.state === 'PENDING') continue; // a comment does not withdraw an approval
    latest.set(r.login.toLowerCase(), r);
  }
  const approvers = new Set([...latest.values()].filter((r) => r.state === 'APPROVED' && r.commitId === headSha && r.login.toLowerCase() !== author.toLowerCase()).map((r) => r.login.toLowerCase()));
  return required.map(({ group, count }) => {
    const inGroup = new Set((members.get(group) ?? []).map((m) => m.replace(/^@/, '').toLowerCase()));
    const approvedBy = [...approvers].filter((a) => inGroup.has(a)).sort();
    return { group, required: count, approvedBy, ok: approvedBy.length >= count };
  });
}

/** Logins of each named group (teams `@org/team` expanded through GitHub); a group not declared has no members. */
export async function groupMembers(github: Pick<GitHub, 'teamMembers'>, declared: Record<string, { members: string[] }>, names: Iterable<string>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const name of new Set(names)) {
    const listed = Object.hasOwn(declared, name) ? declared[name].members : [];
    const logins = await Promise.all(listed.map((m) => (m.includes('/') ? github.teamMembers(m) : Promise.resolve([m.replace(/^@/, '')]))));
    out.set(name, logins.flat());
  }
  return out;
}

import type { BypassActor, RequiredCheck, ReviewRules } from '../github/port.ts';
import type { RepositoryFacts } from './facts.ts';

/**
 * One layer of protection on the branch: classic branch protection or one ruleset. GitHub
 * enforces every layer on its own, so a rule holds when any layer has it, and holds for
 * everyone when a layer nobody may bypass has it.
 */
export interface Layer {
  name: string;
  /** Pull requests are required, with these reviews; undefined when this layer does not require them. */
  review?: ReviewRules;
  checks: RequiredCheck[];
  blocksForcePush: boolean;
  blocksDeletion: boolean;
  /** Who may skip every rule of this layer. */
  bypassAll: string[];
  /** Who may skip only its pull-request rules (classic "allow specified actors to bypass"). */
  bypassReview: string[];
  /** GitHub did not show this layer's bypass list (the token may not read it). */
  bypassHidden: boolean;
}

export function layersOf(facts: RepositoryFacts): Layer[] {
  const layers: Layer[] = [];
  const p = facts.protection;
  if (p) {
    const pr = p.pullRequest;
    layers.push({
      name: 'branch protection',
      ...(pr ? { review: { approvals: pr.approvals, codeOwners: pr.codeOwners, dismissStale: pr.dismissStale, lastPushApproval: pr.lastPushApproval } } : {}),
      checks: p.checks?.required ?? [],
      blocksForcePush: !p.allowForcePushes,
      blocksDeletion: !p.allowDeletions,
      bypassAll: p.enforceAdmins ? [] : ['repository admins (enforce_admins is off)'],
      bypassReview: pr?.bypass ?? [],
      bypassHidden: false,
    });
  }
  for (const id of [...new Set(facts.rules.map((r) => r.ruleset))]) {
    const rules = facts.rules.filter((r) => r.ruleset === id);
    const ruleset = facts.rulesets.find((r) => r.id === id);
    let review: ReviewRules | undefined;
    const checks: RequiredCheck[] = [];
    for (const rule of rules) {
      if (rule.type === 'pull_request') review = strongest(review, rule.review);
      if (rule.type === 'required_status_checks') checks.push(...rule.checks);
    }
    const from = ruleset && ruleset.sourceType !== 'Repository' ? `, from ${ruleset.sourceType.toLowerCase()} ${ruleset.source}` : '';
    layers.push({
      name: `ruleset "${ruleset?.name ?? '?'}" (#${id}${from})`,
      ...(review ? { review } : {}),
      checks,
      blocksForcePush: rules.some((r) => r.type === 'non_fast_forward'),
      blocksDeletion: rules.some((r) => r.type === 'deletion'),
      bypassAll: (ruleset?.bypassActors ?? []).map(describeActor),
      bypassReview: [],
      bypassHidden: ruleset?.bypassActors === undefined,
    });
  }
  return layers;
}

/** Who may get past `layer` on a rule; `review` says whether the rule is one of the pull-request rules. */
export function bypassersOf(layer: Layer, review: boolean): string[] {
  return [...layer.bypassAll, ...(review ? layer.bypassReview : [])];
}

function strongest(a: ReviewRules | undefined, b: ReviewRules): ReviewRules {
  if (!a) return { ...b };
  return {
    approvals: Math.max(a.approvals, b.approvals),
    codeOwners: a.codeOwners || b.codeOwners,
    dismissStale: a.dismissStale || b.dismissStale,
    lastPushApproval: a.lastPushApproval || b.lastPushApproval,
  };
}

// GitHub's ids of the built-in repository roles in ruleset bypass lists.
const ROLES: Record<number, string> = { 2: 'maintain', 4: 'write', 5: 'admin' };

function describeActor(actor: BypassActor): string {
  const who =
    actor.type === 'OrganizationAdmin'
      ? 'organization admins'
      : actor.type === 'DeployKey'
        ? 'deploy keys'
        : actor.type === 'RepositoryRole'
          ? `the ${ROLES[actor.id ?? -1] ?? `#${actor.id}`} role`
          : actor.type === 'Integration'
            ? `app #${actor.id}`
            : `${actor.type.toLowerCase()} #${actor.id}`;
  return actor.mode === 'pull_request' ? `${who} (on pull requests)` : actor.mode === 'exempt' ? `${who} (exempt)` : who;
}

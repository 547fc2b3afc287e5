import { list, type DoctorCheck } from '../check.ts';
import { bypassersOf, type Layer } from '../layers.ts';
import { REQUIRED_CHECKS } from './required-checks.ts';

/** The branch rules the other checks ask for; `review` marks the ones a PR-bypass allowance skips. */
const RULES: { name: string; review: boolean; has(layer: Layer): boolean }[] = [
  { name: 'pull requests', review: true, has: (l) => l.review !== undefined },
  { name: 'approvals', review: true, has: (l) => (l.review?.approvals ?? 0) >= 1 },
  { name: 'code-owner review', review: true, has: (l) => l.review?.codeOwners === true },
  { name: 'stale-approval dismissal', review: true, has: (l) => l.review?.dismissStale === true },
  ...REQUIRED_CHECKS.map((c) => ({ name: `the ${c.context} check`, review: false, has: (l: Layer) => l.checks.some((x) => x.context === c.context) })),
  { name: 'the force-push block', review: false, has: (l) => l.blocksForcePush },
  { name: 'the deletion block', review: false, has: (l) => l.blocksDeletion },
];

export const noBypass: DoctorCheck = {
  id: 'branch/no-bypass',
  description: 'Nobody (admins included) can bypass the rules above',
  check({ facts, layers }) {
    if (!layers.length) return { ok: false, message: `${facts.branch} has no rules to enforce on anyone (see branch/protected)`, fix: 'protect the branch first' };
    // Per layer: who gets past which rule that no bypass-free layer enforces.
    const gaps = new Map<Layer, Set<string>>();
    for (const rule of RULES) {
      const providers = layers.filter(rule.has);
      if (!providers.length || providers.some((l) => !l.bypassHidden && bypassersOf(l, rule.review).length === 0)) continue;
      for (const layer of providers) gaps.set(layer, (gaps.get(layer) ?? new Set()).add(rule.name));
    }
    if (!gaps.size) return { ok: true, message: `nobody can bypass these rules (${layers.map(enforcedBecause).join('; ')})` };
    const said = [...gaps].flatMap(([layer, rules]) => {
      if (layer.bypassHidden) return [`${layer.name} may let people skip ${list([...rules])}: GitHub does not show its bypass list to this token (it needs write access to the ruleset)`];
      const reviewRules = [...rules].filter((r) => RULES.find((x) => x.name === r)?.review);
      return [
        ...(layer.bypassAll.length ? [`${layer.name} lets ${list(layer.bypassAll)} skip ${list([...rules])}`] : []),
        ...(layer.bypassReview.length && reviewRules.length ? [`${layer.name} lets ${list(layer.bypassReview)} skip ${list(reviewRules)}`] : []),
      ];
    });
    const fixes = [...gaps.keys()].map((layer) =>
      layer.name === 'branch protection'
        ? 'branch protection: turn on "Do not allow bypassing the above settings" and empty "Allow specified actors to bypass required pull requests"'
        : `${layer.name}: empty its bypass list${layer.bypassHidden ? ' (or run doctor with a token that can read it)' : ''}`,
    );
    return { ok: false, message: said.join('; '), fix: fixes.join('; ') };
  },
};

function enforcedBecause(layer: Layer): string {
  if (layer.name === 'branch protection') return 'branch protection includes admins, no PR bypass list';
  return `${layer.name} has no bypass list`;
}

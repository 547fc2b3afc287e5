import type { z } from 'zod';
import type { criterion, gate } from './rollout.ts';

type Criterion = z.output<typeof criterion>;
type Gate = z.output<typeof gate>;
type Approval = NonNullable<Gate['approvals']>[number];

/**
 * A stage gate with what it extends filled in, so everything downstream (the gate job, the
 * PR policy, reviews, rules) reads one complete gate and never has to follow `extends`:
 * - mustPass, blockers and shouldPass.criteria: the shared gate's first, then the gate's
 *   own; an own criterion with the `name` of an inherited one replaces it in place;
 * - shouldPass.atLeast: the gate's own when it writes shouldPass, else the shared gate's;
 * - approvals: by group; the gate's own count replaces the shared gate's for that group.
 * A shared gate may extend another. An unknown name or a cycle inherits nothing from there
 * on (gate/extends-unknown and gate/extends-cycle report them): the function is total.
 */
export function resolveGate(own: Gate, shared: Readonly<Record<string, Gate>>, seen: ReadonlySet<string> = new Set()): Gate {
  const name = own.extends;
  if (name === undefined || seen.has(name) || !Object.hasOwn(shared, name)) return own;
  const parent = resolveGate(shared[name], shared, new Set([...seen, name]));
  const out: Gate = { extends: name };
  const mustPass = mergeCriteria(parent.mustPass, own.mustPass);
  if (mustPass) out.mustPass = mustPass;
  if (parent.shouldPass || own.shouldPass) {
    out.shouldPass = { atLeast: (own.shouldPass ?? parent.shouldPass)!.atLeast, criteria: mergeCriteria(parent.shouldPass?.criteria, own.shouldPass?.criteria) ?? [] };
  }
  const blockers = mergeCriteria(parent.blockers, own.blockers);
  if (blockers) out.blockers = blockers;
  const approvals = mergeApprovals(parent.approvals, own.approvals);
  if (approvals) out.approvals = approvals;
  return out;
}

/** Every stage gate resolved; `gates` and `sharedGates` as written. */
export function resolveGates(gates: Readonly<Record<string, Gate>>, shared: Readonly<Record<string, Gate>> | undefined): Record<string, Gate> {
  return Object.fromEntries(Object.entries(gates).map(([stage, g]) => [stage, resolveGate(g, shared ?? {})]));
}

/** The names a gate extends, nearest first, up to an unknown name or the start of a cycle. */
export function extendsChain(own: Gate, shared: Readonly<Record<string, Gate>>): { chain: string[]; unknown?: string; cycle?: string } {
  const chain: string[] = [];
  let next = own.extends;
  while (next !== undefined) {
    if (chain.includes(next)) return { chain, cycle: next };
    if (!Object.hasOwn(shared, next)) return { chain, unknown: next };
    chain.push(next);
    next = shared[next].extends;
  }
  return { chain };
}

function mergeCriteria(inherited: Criterion[] | undefined, own: Criterion[] | undefined): Criterion[] | undefined {
  if (!inherited) return own;
  if (!own) return inherited;
  const byName = new Map(own.filter((c) => c.name !== undefined).map((c) => [c.name, c]));
  const replaced = inherited.map((c) => (c.name !== undefined && byName.has(c.name) ? byName.get(c.name)! : c));
  const used = new Set(replaced);
  return [...replaced, ...own.filter((c) => !used.has(c))];
}

function mergeApprovals(inherited: Approval[] | undefined, own: Approval[] | undefined): Approval[] | undefined {
  if (!inherited) return own;
  if (!own) return inherited;
  const groups = new Map(own.map((a) => [a.group, a]));
  const replaced = inherited.map((a) => groups.get(a.group) ?? a);
  const used = new Set(replaced);
  return [...replaced, ...own.filter((a) => !used.has(a))];
}

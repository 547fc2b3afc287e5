import type { FlagState } from '../sync/desired.ts';

/** A strategy of one feature in one Unleash environment, as the export and the Admin API give it. */
export interface UnleashStrategy {
  id: string;
  name: string;
  title?: string | null;
  parameters: Record<string, string>;
  constraints?: { contextName: string; operator: string; values?: string[]; value?: string; inverted?: boolean }[];
  segments?: number[];
  variants?: { name: string }[];
  disabled?: boolean;
}

/** rollgate's strategy as Unleash takes it in a write or an import: the flag's group, without an id. */
export interface RolloutStrategy {
  name: 'flexibleRollout';
  constraints: [];
  parameters: { rollout: string; stickiness: string; groupId: string };
}

/**
 * The one strategy rollgate writes for a flag's state, whether one flag at a time or in a
 * batch import: flexibleRollout at the percentage, on the stickiness attribute and group.
 */
export function rolloutStrategy(to: Pick<FlagState, 'percentage' | 'stickiness' | 'groupId'>): RolloutStrategy {
  return { name: 'flexibleRollout', constraints: [], parameters: { rollout: String(to.percentage), stickiness: to.stickiness, groupId: to.groupId } };
}

export interface Classified {
  /** rollgate's own strategy: the flexibleRollout on the flag's group (else the first flexibleRollout). */
  mine?: UnleashStrategy;
  /** More plain copies of it (a create whose answer was lost, then retried): safe to delete. */
  duplicates: UnleashStrategy[];
  /** What someone changed by hand beside it, one line each: kept by the sync, reported as drift. */
  handMade: string[];
}

const plain = (s: UnleashStrategy) => !s.disabled && !s.constraints?.length && !s.segments?.length && !s.variants?.length;

function constraint(c: NonNullable<UnleashStrategy['constraints']>[number]): string {
  const values = c.values?.length ? `[${c.values.join(', ')}]` : (c.value ?? '');
  return `constraint ${c.contextName} ${c.inverted ? 'NOT ' : ''}${c.operator} ${values}`.trim();
}

function describe(s: UnleashStrategy, segmentNames: ReadonlyMap<number, string>): string[] {
  return [
    ...(s.constraints ?? []).map(constraint),
    ...(s.segments ?? []).map((id) => `segment ${segmentNames.get(id) ?? id}`),
    ...(s.variants?.length ? [`strategy variants ${s.variants.map((v) => v.name).join(', ')}`] : []),
  ];
}

/**
 * Splits a feature's strategies in one environment into rollgate's own, plain duplicates of it,
 * and changes made by hand in Unleash (constraints, segments or variants on rollgate's strategy,
 * rollgate's strategy disabled, other strategies, variants on the feature's environment).
 * A pure function: the store keeps what is hand-made and the reports name it.
 */
export function classify(key: string, list: readonly UnleashStrategy[], envVariants: readonly { name: string }[] = [], segmentNames: ReadonlyMap<number, string> = new Map()): Classified {
  const rollouts = list.filter((s) => s.name === 'flexibleRollout');
  const ours = rollouts.filter((s) => s.parameters?.groupId === key);
  const mine = ours[0] ?? rollouts[0];
  const duplicates = ours.slice(1).filter(plain);
  const handMade: string[] = [];
  if (mine) {
    handMade.push(...describe(mine, segmentNames));
    if (mine.disabled) handMade.push("rollgate's strategy is disabled");
  }
  for (const s of list) {
    if (s === mine || duplicates.includes(s)) continue;
    const what = [s.title ? `"${s.title}"` : '', s.name === 'flexibleRollout' ? `at ${s.parameters?.rollout ?? '?'} %` : '', ...describe(s, segmentNames), s.disabled ? 'disabled' : ''].filter(Boolean);
    handMade.push(`another strategy: ${s.name}${what.length ? ` (${what.join(', ')})` : ''}`);
  }
  if (envVariants.length) handMade.push(`feature variants ${envVariants.map((v) => v.name).join(', ')}`);
  return { ...(mine ? { mine } : {}), duplicates, handMade };
}

import type { Stage } from '../config/schema/index.ts';
import { ScaffoldError } from './errors.ts';

/** How long each serving stage but the last bakes before the next advance. */
const DEFAULT_BAKE = '24h';

/** `--stages 0,1,5,25,100` → percentages, strictly increasing, 0–100, at least two. */
export function parseStages(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.find((p, i) => p === '' || !Number.isFinite(values[i]) || values[i] < 0 || values[i] > 100);
  const hint = 'give percentages from 0 to 100, comma-separated and increasing, e.g. --stages 0,1,5,25,100';
  if (bad !== undefined) throw new ScaffoldError('scaffold/invalid-stages', `--stages ${text}: "${bad}" is not a percentage`, hint);
  if (values.length < 2) throw new ScaffoldError('scaffold/invalid-stages', `--stages ${text}: a rollout needs at least two stages`, hint);
  const i = values.findIndex((v, k) => k > 0 && v <= values[k - 1]);
  if (i > 0) throw new ScaffoldError('scaffold/invalid-stages', `--stages ${text}: ${values[i]} after ${values[i - 1]} does not increase`, hint);
  return values;
}

/**
 * Stage names from percentages: 0 is `off` (nothing served, the target of a full rollback), 100
 * is `full`, the first stage in between `canary` and each later one `ramp-N` (its percentage,
 * `ramp-12-5` for 12.5). Every stage that serves, but the last, bakes DEFAULT_BAKE (at 0 % there is
 * nothing to watch).
 */
export function stagesFrom(percentages: number[]): Stage[] {
  let canary = false;
  return percentages.map((percentage, i) => {
    const bakes = percentage > 0 && i < percentages.length - 1;
    let name: string;
    if (percentage === 0) name = 'off';
    else if (percentage === 100) name = 'full';
    else if (!canary) (name = 'canary'), (canary = true);
    else name = `ramp-${String(percentage).replace('.', '-')}`;
    return { name, percentage, shadow: false, ...(bakes ? { bake: DEFAULT_BAKE } : {}) };
  });
}

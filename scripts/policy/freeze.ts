import type { ConfigModel } from '../config/model.ts';

/** The freeze that holds for `env` at `now` on this model, if any. */
export function activeFreeze(model: ConfigModel, env: string, now: number): { reason: string; until?: string } | undefined {
  const freeze = model.environments[0]?.doc.spec.freeze;
  if (!freeze) return undefined;
  if (freeze.until !== undefined && Date.parse(freeze.until) <= now) return undefined;
  if (freeze.environments && !freeze.environments.includes(env)) return undefined;
  return { reason: freeze.reason, ...(freeze.until ? { until: freeze.until } : {}) };
}

import type { RepositoryFacts } from './facts.ts';
import type { Layer } from './layers.ts';

/** What a check found: a fact either way, and what to change when it does not hold. */
export interface Outcome {
  ok: boolean;
  message: string;
  fix?: string;
}

export interface DoctorContext {
  facts: RepositoryFacts;
  layers: Layer[];
}

/** One setting rollgate's guarantees rest on, with a stable id. Pure: reads the facts, never throws on them. */
export interface DoctorCheck {
  id: string;
  description: string;
  check(ctx: DoctorContext): Outcome;
}

/** A check's outcome with its id, as the reporters print it. */
export interface DoctorResult extends Outcome {
  id: string;
}

/** "a, b and c" */
export function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Names of the layers that satisfy `test`. */
export function having(layers: Layer[], test: (layer: Layer) => boolean): string[] {
  return layers.filter(test).map((l) => l.name);
}

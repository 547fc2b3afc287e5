import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';

const quiet = { error() {}, warn() {}, info() {}, debug() {} };

/** Where the sync fixture keeps an environment's flag file. */
export const flagFile = (dir: string, env = 'production') => join(dir, 'build', 'flags', `${env}.flagd.json`);

/** The users (of ids 0…users-1) the flag is on for, evaluated by flagd-core as an application would, after flagd's strict schema check. */
export function usersOn(dir: string, key: string, users = 10_000, env = 'production'): Set<number> {
  const text = readFileSync(flagFile(dir, env), 'utf8');
  new MemoryStorage(quiet).setConfigurations(text, true); // throws if flagd would refuse the file
  const core = new FlagdCore(undefined, quiet);
  core.setConfigurations(text);
  const on = new Set<number>();
  for (let i = 0; i < users; i++) if (core.resolveBooleanEvaluation(key, false, { targetingKey: `t-${i}`, userId: `user-${i}` }, quiet).value) on.add(i);
  return on;
}

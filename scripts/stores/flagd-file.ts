import { readFile } from 'node:fs/promises';
import { MemoryStorage } from '@openfeature/flagd-core';
import { writeAtomic } from '../files/write-atomic.ts';
import type { FlagState } from '../sync/desired.ts';
import type { FlagChange } from '../sync/plan.ts';
import { StoreError, type ApplyStats, type FlagStore } from './port.ts';

const SCHEMA = 'https://flagd.dev/schema/v0/flags.json';
/** Where the file records the last applied commit (top-level metadata). */
export const SHA_KEY = 'rollgateAppliedSha';
/**
 * A flag's metadata `managedBy: rollgate` records that rollgate manages it. Per flag, not a
 * list in the top-level metadata: flagd merges the flag set's metadata into every flag's
 * evaluation metadata, so a list there would ride along on every evaluation.
 */
export const MANAGED_BY = 'managedBy';
/** An orphan rollgate turned off keeps this in its metadata: the commit whose sync let go of it. */
export const ORPHANED_AT = 'rollgateOrphanedAt';
/** Weights are per mille of a percent, so 0.5 % is exact. */
const SCALE = 1000;

interface FlagdFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, boolean>;
  defaultVariant: string;
  targeting?: { fractional?: unknown[] };
  metadata?: Record<string, string | number | boolean>;
}

interface FlagdFile {
  $schema?: string;
  flags: Record<string, FlagdFlag>;
  metadata?: Record<string, string | number | boolean>;
}

/**
 * The embedded default store: an OpenFeature flagd flag file. Each flag is a boolean with
 * `fractional` targeting on `[groupId, <stickiness attribute>]`: the bucket a user falls in
 * depends only on the group and the user, so raising the "on" weight keeps every user who
 * was on. The file is written atomically (temp file + rename), only when something
 * changed, after flagd-core's strict schema check; flags rollgate does not manage are kept
 * as they are. An orphan is set DISABLED with its split kept, and loses its managedBy mark in
 * the same write.
 */
export function flagdFileStore(path: string, displayPath = path): FlagStore {
  const load = async (): Promise<FlagdFile | undefined> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(`cannot read ${path}: ${(error as Error).message}`);
    }
    try {
      const file = JSON.parse(text) as FlagdFile;
      if (!file || typeof file !== 'object' || typeof file.flags !== 'object') throw new Error('no "flags" object');
      return file;
    } catch (error) {
      throw new StoreError(`${path} is not a flagd flag file (${(error as Error).message}); fix or delete it, then sync again`);
    }
  };

  return {
    name: `flagd file ${displayPath}`,
    async read(keys) {
      const file = await load();
      const out = new Map<string, FlagState>();
      for (const key of keys) {
        const flag = file?.flags[key];
        if (flag) out.set(key, stateOf(flag));
      }
      return out;
    },
    async recorded() {
      const file = await load();
      const sha = file?.metadata?.[SHA_KEY];
      const managed = Object.entries(file?.flags ?? {})
        .filter(([, flag]) => flag?.metadata?.[MANAGED_BY] === 'rollgate')
        .map(([key]) => key)
        .sort();
      return { ...(typeof sha === 'string' ? { sha } : {}), managed };
    },
    async apply(plan): Promise<ApplyStats> {
      const file: FlagdFile = (await load()) ?? { $schema: SCHEMA, flags: {}, metadata: {} };
      let changed = file.metadata?.[SHA_KEY] !== plan.sha;
      for (const change of plan.changes) {
        if (change.steps.length === 0) continue;
        file.flags[change.key] = flagOf(change);
        changed = true;
      }
      const managed = new Set(plan.managed);
      for (const key of managed) {
        const flag = file.flags[key];
        // Already as main says but not marked (written by hand, or an orphan let go at 0 % and named again): adopt it.
        if (!flag || flag.metadata?.[MANAGED_BY] === 'rollgate') continue;
        flag.metadata = { ...flag.metadata, [MANAGED_BY]: 'rollgate' };
        changed = true;
      }
      for (const orphan of plan.orphans) {
        const flag = file.flags[orphan.key];
        if (!flag || managed.has(orphan.key)) continue;
        const metadata: Record<string, string | number | boolean> = { ...flag.metadata, [ORPHANED_AT]: plan.sha };
        delete metadata[MANAGED_BY];
        file.flags[orphan.key] = { ...flag, state: 'DISABLED', metadata };
        changed = true;
      }
      if (!changed) return { writes: 0 };
      file.$schema = SCHEMA;
      file.metadata = { ...file.metadata, [SHA_KEY]: plan.sha };
      const text = JSON.stringify(file, null, 2) + '\n';
      checkFlagdSchema(text, path);
      await writeAtomic(path, text).catch((error: Error) => {
        throw new StoreError(error.message);
      });
      return { writes: 1 };
    },
  };
}

/** Throws when flagd would refuse the file (its own strict JSON Schema check). */
export function checkFlagdSchema(text: string, path: string): void {
  const quiet = { error() {}, warn() {}, info() {}, debug() {} };
  try {
    new MemoryStorage(quiet).setConfigurations(text, true);
  } catch (error) {
    throw new StoreError(`refusing to write ${path}: flagd would reject it: ${(error as Error).message.slice(0, 500)}`);
  }
}

function flagOf(change: FlagChange): FlagdFlag {
  const { enabled, percentage, stickiness, groupId } = change.to;
  const on = Math.round(percentage * SCALE);
  return {
    state: enabled ? 'ENABLED' : 'DISABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: { fractional: [{ cat: [groupId, { var: stickiness }] }, ['on', on], ['off', 100 * SCALE - on]] },
    metadata: { managedBy: 'rollgate', rollout: change.rollout, stage: change.stage, percentage, stickiness, groupId },
  };
}

/** Reads a flag back; a shape rollgate did not write reads as NaN %, so the plan rewrites it. */
function stateOf(flag: FlagdFlag): FlagState {
  const f = flag.targeting?.fractional;
  const key = f?.[0] as { cat?: [unknown, { var?: unknown }] } | undefined;
  const on = (f?.find((b) => Array.isArray(b) && b[0] === 'on') as [string, number] | undefined)?.[1];
  const off = (f?.find((b) => Array.isArray(b) && b[0] === 'off') as [string, number] | undefined)?.[1];
  const total = (on ?? NaN) + (off ?? NaN);
  return {
    enabled: flag.state === 'ENABLED',
    percentage: f && f.length === 3 && total > 0 ? Math.round(((on as number) / total) * 100 * SCALE) / SCALE : NaN,
    stickiness: typeof key?.cat?.[1]?.var === 'string' ? key.cat[1].var : '',
    groupId: typeof key?.cat?.[0] === 'string' ? key.cat[0] : '',
  };
}

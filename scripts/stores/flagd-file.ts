import { readFile } from 'node:fs/promises';
import { MemoryStorage } from '@openfeature/flagd-core';
import { writeAtomic } from '../files/write-atomic.ts';
import type { FlagState } from '../sync/desired.ts';
import type { FlagChange } from '../sync/plan.ts';
import { readBackFailed, StoreError, type ApplyStats, type FlagStore } from './port.ts';

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

/** The split on the stickiness attribute: `[{cat: [groupId, {var: attribute}]}, ['on', weight], ['off', weight]]`. */
type Fractional = unknown[];

/**
 * What rollgate writes: a context without the stickiness attribute is on only at 100 % (as in
 * Unleash); one with it is bucketed by `fractional`. Without the `if`, every such context would
 * hash the same constant key and land in one bucket, all on or all off together.
 */
interface Targeting {
  if?: [{ missing?: unknown }, unknown, { fractional?: Fractional }];
  fractional?: Fractional;
}

interface FlagdFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, boolean>;
  defaultVariant: string;
  targeting?: Targeting;
  metadata?: Record<string, string | number | boolean>;
}

interface FlagdFile {
  $schema?: string;
  flags: Record<string, FlagdFlag>;
  metadata?: Record<string, string | number | boolean>;
}

/** Where a flag file lives: a path on disk, or a file on a branch of the repository. */
export interface FlagFileTarget {
  /** For messages: `flagd file build/flags/production.flagd.json`. */
  readonly name: string;
  /** The file's text; undefined when there is none yet. */
  read(): Promise<string | undefined>;
  /** Replaces the file with `text`, the flags of commit `sha`, all at once (a reader never sees half of it). */
  write(text: string, sha: string): Promise<void>;
}

/** A flag file on disk, written atomically (temp file + rename). */
function localFile(path: string, displayPath = path): FlagFileTarget {
  return {
    name: `flagd file ${displayPath}`,
    async read() {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new StoreError(`cannot read ${path}: ${(error as Error).message}`);
      }
    },
    async write(text) {
      await writeAtomic(path, text).catch((error: Error) => {
        throw new StoreError(error.message);
      });
    },
  };
}

/** The embedded default on disk: see flagdStore. */
export function flagdFileStore(path: string, displayPath = path): FlagStore {
  return flagdStore(localFile(path, displayPath));
}

/**
 * The embedded default store: an OpenFeature flagd flag file. Each flag is a boolean with
 * `fractional` targeting on `[groupId, <stickiness attribute>]`: the bucket a user falls in
 * depends only on the group and the user, so raising the "on" weight keeps every user who
 * was on. A context without the attribute is on only at 100 %. The file is written at once,
 * only when something changed, after flagd-core's strict schema check and after reading the
 * new text back as rollgate reads a store (so the SHA is never recorded beside flags that do
 * not read back as planned); flags rollgate does not manage are kept as they are. An orphan is
 * set DISABLED with its split kept, and loses its managedBy mark in the same write.
 */
export function flagdStore(target: FlagFileTarget): FlagStore {
  const load = async (): Promise<FlagdFile | undefined> => {
    const text = await target.read();
    if (text === undefined) return undefined;
    try {
      const file = JSON.parse(text) as FlagdFile;
      if (!file || typeof file !== 'object' || typeof file.flags !== 'object') throw new Error('no "flags" object');
      return file;
    } catch (error) {
      throw new StoreError(`${target.name} is not a flagd flag file (${(error as Error).message}); fix or delete it, then sync again`);
    }
  };

  return {
    name: target.name,
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
    async apply(plan, _progress, readBack): Promise<ApplyStats> {
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
      // One write holds the flags and the SHA: read the new text back before it is written.
      if (readBack) {
        const keys = [...plan.changes.map((c) => c.key), ...plan.orphans.map((o) => o.key)];
        const state = new Map(keys.filter((k) => file.flags[k]).map((k) => [k, stateOf(file.flags[k])]));
        const wrong = readBack(state);
        if (wrong.length) throw readBackFailed(wrong, []);
      }
      if (!changed) return { writes: 0 };
      file.$schema = SCHEMA;
      file.metadata = { ...file.metadata, [SHA_KEY]: plan.sha };
      const text = JSON.stringify(file, null, 2) + '\n';
      checkFlagdSchema(text, target.name);
      await target.write(text, plan.sha);
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

/** The targeting rollgate writes for a state (exported for tests that check the file's shape). */
function targetingOf({ percentage, stickiness, groupId }: FlagState): Targeting {
  const on = Math.round(percentage * SCALE);
  const fractional: Fractional = [{ cat: [groupId, { var: stickiness }] }, ['on', on], ['off', 100 * SCALE - on]];
  return { if: [{ missing: [stickiness] }, on === 100 * SCALE ? 'on' : 'off', { fractional }] };
}

function flagOf(change: FlagChange): FlagdFlag {
  const { enabled, percentage, stickiness, groupId } = change.to;
  return {
    state: enabled ? 'ENABLED' : 'DISABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: targetingOf(change.to),
    metadata: { managedBy: 'rollgate', rollout: change.rollout, stage: change.stage, percentage, stickiness, groupId },
  };
}

/**
 * Reads a flag back. Anything but exactly the targeting rollgate writes for the state it reads
 * — a split edited by hand, or a file written before contexts without the attribute were
 * handled — reads as NaN %, so the plan rewrites it.
 */
function stateOf(flag: FlagdFlag): FlagState {
  const f = flag.targeting?.if?.[2]?.fractional;
  const key = f?.[0] as { cat?: [unknown, { var?: unknown }] } | undefined;
  const on = (f?.find((b) => Array.isArray(b) && b[0] === 'on') as [string, number] | undefined)?.[1];
  const off = (f?.find((b) => Array.isArray(b) && b[0] === 'off') as [string, number] | undefined)?.[1];
  const total = (on ?? NaN) + (off ?? NaN);
  const state: FlagState = {
    enabled: flag.state === 'ENABLED',
    percentage: f && f.length === 3 && total > 0 ? Math.round(((on as number) / total) * 100 * SCALE) / SCALE : NaN,
    stickiness: typeof key?.cat?.[1]?.var === 'string' ? key.cat[1].var : '',
    groupId: typeof key?.cat?.[0] === 'string' ? key.cat[0] : '',
  };
  const exact = total === 100 * SCALE && JSON.stringify(flag.targeting) === JSON.stringify(targetingOf(state));
  return exact ? state : { ...state, percentage: NaN };
}

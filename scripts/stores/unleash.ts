import type { FlagState } from '../sync/desired.ts';
import type { FlagChange } from '../sync/plan.ts';
import type { HttpClient } from '../http/client.ts';
import { ApplyError, readBackFailed, StoreError, type ApplyStats, type FlagStore, type Recorded } from './port.ts';
import { runInFlight, type FlagWork } from './in-flight.ts';
import { chunked, IMPORT_CHUNK, importBody, newFeature } from './unleash-import.ts';
import { classify, rolloutStrategy, type UnleashStrategy } from './unleash-strategies.ts';

export interface UnleashSettings {
  project: string;
  /** The Unleash environment (may differ from rollgate's name for it). */
  environment: string;
  /** The feature whose description records the last applied SHA of this environment and the flags rollgate manages in it. */
  stateFeature: string;
  /** Flags written at once (default 8); one flag's writes are always in order. */
  inFlight?: number;
}

/**
 * Unleash reads JSON bodies up to 100 kB (express's default outside the batch routes): the
 * description, sent in one PATCH, must stay below that. About 3,000 keys of 30 characters.
 */
const MAX_DESCRIPTION = 100_000;

/** Statuses with which Unleash refuses a whole import before writing anything (bad data or token kind, no permission, no such route, too large). */
const REFUSED = [400, 403, 404, 413];

/** The state feature's description: the record in one line (flag keys hold neither commas nor spaces). */
export function describeState(environment: string, record: Recorded): string {
  return `rollgate state of ${environment}; never enabled.${record.sha ? ` applied-sha:${record.sha}` : ''} managed:${record.managed.join(',')}`;
}

/** Reads the record back; a description written before the managed keys were kept records none. */
export function parseState(description: string): Recorded {
  const sha = /applied-sha:([0-9a-f]{7,64})/.exec(description)?.[1];
  const managed = (/managed:(\S*)/.exec(description)?.[1] ?? '').split(',').filter(Boolean);
  return { ...(sha ? { sha } : {}), managed: [...new Set(managed)].sort() };
}

interface Strategy extends UnleashStrategy {
  featureName: string;
}

interface ExportBody {
  features: { name: string; archived?: boolean; project?: string }[];
  featureStrategies: Strategy[];
  featureEnvironments: { featureName: string; environment: string; enabled: boolean; variants?: { name: string }[] }[];
  segments?: { id: number; name: string }[];
}

/**
 * Unleash through its Admin API. Each managed feature has exactly one flexibleRollout
 * strategy in the environment (rollout, stickiness, groupId); the strategy is written before
 * the environment is turned on, because `/on` on an environment without strategies creates a
 * 100 % one. Only the features it is given are touched; an orphan is turned off in this
 * environment, its strategy kept. The record — the applied SHA and the keys rollgate manages
 * in this environment — is the description of `stateFeature`, a feature that is never enabled.
 * Flags Unleash does not have yet are created through its batch import, when the token may
 * import (see unleash-import.ts); the others, one flag at a time.
 */
export function unleashStore(http: HttpClient, settings: UnleashSettings): FlagStore {
  const { project, environment, stateFeature, inFlight = 8 } = settings;
  const feature = (name: string) => `/api/admin/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(name)}`;
  const env = (name: string) => `${feature(name)}/environments/${encodeURIComponent(environment)}`;
  /** Strategies seen by the last read, so apply can update in place. */
  let known = new Map<string, Strategy[]>();

  const readAll = async (): Promise<ExportBody> => {
    const { body } = await http.request<ExportBody>('POST', '/api/admin/features-batch/export', { environment, project });
    return { features: body?.features ?? [], featureStrategies: body?.featureStrategies ?? [], featureEnvironments: body?.featureEnvironments ?? [], segments: body?.segments ?? [] };
  };

  return {
    name: `unleash ${http.options.baseUrl} (project ${project}, environment ${environment})`,
    async read(keys) {
      const body = await readAll();
      const existing = new Set(body.features.filter((f) => !f.archived).map((f) => f.name));
      const strategies = new Map<string, Strategy[]>();
      for (const s of body.featureStrategies) strategies.set(s.featureName, [...(strategies.get(s.featureName) ?? []), s]);
      const here = body.featureEnvironments.filter((e) => e.environment === environment);
      const enabled = new Map(here.map((e) => [e.featureName, e.enabled]));
      const segments = new Map((body.segments ?? []).map((s) => [s.id, s.name]));
      known = strategies;
      const out = new Map<string, FlagState>();
      for (const key of keys) {
        if (!existing.has(key)) continue;
        // rollgate's strategy is read as the state; what was changed by hand beside it is kept and reported.
        const { mine, handMade } = classify(key, strategies.get(key) ?? [], here.find((e) => e.featureName === key)?.variants, segments);
        out.set(key, {
          enabled: enabled.get(key) ?? false,
          percentage: mine ? Number(mine.parameters.rollout) : NaN,
          stickiness: mine?.parameters.stickiness ?? '',
          groupId: mine?.parameters.groupId ?? '',
          ...(handMade.length ? { handMade } : {}),
        });
      }
      return out;
    },
    recorded: readRecord,
    // At 100 %, stickiness "default" (userId, else sessionId, else random): a context without the rollout's attribute is on too, as in the flagd file.
    canonical: (state) => (state.percentage === 100 ? { ...state, stickiness: 'default' } : state),
    async apply(plan, progress, readBack): Promise<ApplyStats> {
      let writes = 0;
      const write = async (method: string, path: string, body?: unknown, accept: number[] = []) => {
        writes++;
        return http.request(method, path, body, accept);
      };
      // Turning off goes first: orphans, then the flags rollouts name.
      const offFirst: FlagWork[] = plan.orphans.filter((o) => o.steps.length > 0).map((o) => ({ key: o.key, run: () => write('POST', `${env(o.key)}/off`) }));
      const pending = plan.changes.filter((c) => c.steps.length > 0);
      const keys = [...offFirst.map((w) => w.key), ...pending.map((c) => c.key)];
      /** The state feature's description as last read or written; undefined while the feature does not exist. */
      let current = await readDescription();
      const before: Recorded = current === undefined ? { managed: [] } : parseState(current);
      const final: Recorded = { sha: plan.sha, managed: plan.managed };
      const ahead: Recorded = { ...(before.sha ? { sha: before.sha } : {}), managed: [...new Set([...before.managed, ...plan.managed])].sort() };
      for (const record of [final, ahead]) {
        const length = describeState(environment, record).length;
        if (length > MAX_DESCRIPTION) throw new StoreError(`the ${record.managed.length} managed flag keys do not fit in the description of ${stateFeature} (${length} characters; Unleash takes at most about ${MAX_DESCRIPTION}): spread this environment's flags over more Unleash projects`);
      }
      // Record a key before its flag is first written: a run that stops halfway then never leaves a flag the next run does not know is its own.
      const unrecorded = new Set(plan.managed.filter((k) => !before.managed.includes(k)));
      if (keys.some((k) => unrecorded.has(k))) {
        try {
          await writeRecord(ahead);
        } catch (error) {
          throw new ApplyError(`recording the flags about to be managed in ${stateFeature} failed: ${(error as Error).message}`, [], stateFeature, keys);
        }
      }
      const applied: string[] = [];
      const done = (key: string) => {
        applied.push(key);
        progress?.(applied.length, keys.length);
      };
      const stop = (key: string, message: string) => {
        const finished = new Set(applied);
        return new ApplyError(`${key}: ${message}`, applied, key, keys.filter((k) => !finished.has(k)));
      };
      // Every orphan is off before any named flag is written.
      const off = await runInFlight(offFirst, inFlight, done);
      if (off.failed) throw stop(off.failed.key, (off.failed.error as Error).message);
      // Flags Unleash does not have yet are imported in batches (nothing made by hand to keep there); the rest one flag at a time.
      const fresh = pending.filter((c) => !c.from && c.steps.includes('create'));
      const mayImport = fresh.length > 0 && (await importsAllowed());
      const imported = new Set(mayImport ? fresh : []);
      const oneByOne = pending.filter((c) => !imported.has(c));
      let importRefused = false;
      let notImported = 0;
      for (const chunk of chunked([...imported], IMPORT_CHUNK)) {
        if (await importChunk(chunk)) for (const c of chunk) done(c.key);
        else oneByOne.push(...chunk), (notImported += chunk.length);
      }
      const notes: string[] = [];
      const many = (n: number) => `${n} new flag${n === 1 ? '' : 's'}`;
      if (fresh.length > 0 && !mayImport) notes.push(`${many(fresh.length)} written one at a time: the token is an API token, and Unleash refuses the batch import to those; a personal access token (or a service account's, on Enterprise) imports them 100 a request`);
      if (notImported) notes.push(`${many(notImported)} written one at a time: Unleash refused the batch import (see its log), so rollgate wrote them by the per-flag API`);
      // Flags in parallel, each flag's own writes in order.
      const named = await runInFlight(oneByOne.map((c) => ({ key: c.key, run: () => applyOne(c) })), inFlight, done);
      if (named.failed) throw stop(named.failed.key, (named.failed.error as Error).message);
      if (readBack) {
        const wrong = readBack(await this.read([...plan.changes.map((c) => c.key), ...plan.orphans.map((o) => o.key)]));
        if (wrong.length) throw readBackFailed(wrong, applied);
      }
      // Record the SHA last: a run that stops halfway leaves the old record (orphans still in it), and the rerun converges.
      try {
        await writeRecord(final);
      } catch (error) {
        throw new ApplyError(`every flag was applied, but recording the applied SHA in ${stateFeature} failed: ${(error as Error).message}`, applied, stateFeature, []);
      }
      return { writes, ...(notes.length ? { notes } : {}) };

      /** Creates or updates the state feature's description; writes nothing when it already says this. */
      async function writeRecord(record: Recorded): Promise<void> {
        const description = describeState(environment, record);
        if (current === description) return;
        const created = current === undefined ? await write('POST', `/api/admin/projects/${encodeURIComponent(project)}/features`, { name: stateFeature, type: 'operational', description }, [409]) : undefined;
        if (!created || created.status === 409) await write('PATCH', feature(stateFeature), [{ op: 'replace', path: '/description', value: description }]);
        current = description;
      }

      /**
       * Imports new flags in one request: true when Unleash took them, false when it refused the
       * request as a whole (a 4xx: it imports in one transaction, so nothing was written) and the
       * flags go one at a time instead, as do the later chunks. Anything else stops the run.
       */
      async function importChunk(chunk: FlagChange[]): Promise<boolean> {
        if (importRefused) return false;
        try {
          const { status } = await write('POST', '/api/admin/features-batch/import', importBody(project, environment, chunk), REFUSED);
          importRefused = status >= 400;
          return !importRefused;
        } catch (error) {
          throw stop(chunk[0].key, `importing ${chunk.length} new flag(s) (${chunk[0].key} to ${chunk[chunk.length - 1].key}) failed: ${(error as Error).message}; Unleash imports a request in one transaction, so the rerun finds these flags either all created or none, and finishes them`);
        }
      }

      async function applyOne(change: FlagChange): Promise<void> {
        const steps = new Set(change.steps);
        if (steps.has('create')) await write('POST', `/api/admin/projects/${encodeURIComponent(project)}/features`, newFeature(change), [409]);
        // Turning off goes first, turning on last: the new percentage is never served from an old strategy.
        if (steps.has('disable')) await write('POST', `${env(change.key)}/off`);
        if (steps.has('create') || steps.has('set-percentage') || steps.has('set-stickiness')) {
          const strategy = rolloutStrategy(change.to);
          // Only rollgate's own strategy is rewritten, keeping what was added to it by hand; other strategies stay (reported as drift).
          const { mine: keep, duplicates: extra } = classify(change.key, known.get(change.key) ?? (steps.has('create') ? [] : await strategiesOf(change.key)));
          if (keep) await write('PUT', `${env(change.key)}/strategies/${encodeURIComponent(keep.id)}`, { ...strategy, constraints: keep.constraints ?? [], segments: keep.segments ?? [], variants: keep.variants ?? [], disabled: keep.disabled ?? false, ...(keep.title ? { title: keep.title } : {}) });
          else await write('POST', `${env(change.key)}/strategies`, strategy);
          for (const s of extra) await write('DELETE', `${env(change.key)}/strategies/${encodeURIComponent(s.id)}`, undefined, [404]);
        }
        if (steps.has('enable')) await write('POST', `${env(change.key)}/on`);
      }
    },
  };

  /**
   * Unleash refuses the batch import to admin API tokens (any Unleash 5+, open source too); a
   * personal access token or a service account's token may import. Such a token is a user's,
   * so Unleash names the user's id; an API token has none. Asked only when there are new flags.
   */
  async function importsAllowed(): Promise<boolean> {
    try {
      const { body } = await http.request<{ user?: { id?: unknown } }>('GET', '/api/admin/user');
      return typeof body?.user?.id === 'number';
    } catch {
      return false;
    }
  }

  async function readDescription(): Promise<string | undefined> {
    const { status, body } = await http.request<{ description?: string | null }>('GET', feature(stateFeature), undefined, [404]);
    return status === 404 ? undefined : (body?.description ?? '');
  }

  async function readRecord(): Promise<Recorded> {
    const description = await readDescription();
    return description === undefined ? { managed: [] } : parseState(description);
  }

  async function strategiesOf(key: string): Promise<Strategy[]> {
    const { body } = await http.request<{ strategies?: Strategy[] }>('GET', env(key));
    return body?.strategies ?? [];
  }
}

export { StoreError };

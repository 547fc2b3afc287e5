import type { FlagState } from '../../scripts/sync/desired.ts';
import type { SyncPlan } from '../../scripts/sync/plan.ts';
import { ApplyError, type FlagStore, type Recorded } from '../../scripts/stores/port.ts';

/** An in-memory FlagStore for core tests: one write per flag changed, one for the record. */
export interface FakeStore extends FlagStore {
  flags: Map<string, FlagState>;
  managed: Set<string>;
  sha?: string;
  writes: number;
  /** Throws ApplyError on the Nth flag write of the next apply (1-based), after writing the ones before. */
  failAt?: number;
  /** Ignores turn-offs (a store that answers OK and does nothing): read-back must catch it. */
  ignoreDisable?: boolean;
}

export function fakeStore(init: { flags?: Record<string, FlagState>; managed?: string[]; sha?: string } = {}): FakeStore {
  const store: FakeStore = {
    name: 'fake store',
    flags: new Map(Object.entries(init.flags ?? {})),
    managed: new Set(init.managed ?? []),
    sha: init.sha,
    writes: 0,
    async read(keys) {
      return new Map(keys.filter((k) => store.flags.has(k)).map((k) => [k, { ...store.flags.get(k)! }]));
    },
    async recorded(): Promise<Recorded> {
      return { ...(store.sha ? { sha: store.sha } : {}), managed: [...store.managed].sort() };
    },
    async apply(plan: SyncPlan) {
      const before = store.writes;
      const todo = [...plan.orphans.filter((o) => o.steps.length).map((o) => ({ key: o.key, write: () => (store.ignoreDisable ? undefined : store.flags.set(o.key, { ...store.flags.get(o.key)!, enabled: false })) })), ...plan.changes.filter((c) => c.steps.length).map((c) => ({ key: c.key, write: () => store.flags.set(c.key, { ...c.to }) }))];
      const grow = plan.managed.filter((k) => !store.managed.has(k));
      if (grow.length && todo.length) {
        for (const k of grow) store.managed.add(k);
        store.writes++;
      }
      const failAt = store.failAt;
      store.failAt = undefined;
      for (const [i, t] of todo.entries()) {
        if (failAt === i + 1) throw new ApplyError(`${t.key}: injected`, todo.slice(0, i).map((x) => x.key), t.key, todo.slice(i).map((x) => x.key));
        t.write();
        store.writes++;
      }
      const managed = [...plan.managed].sort();
      if (store.sha !== plan.sha || managed.join() !== [...store.managed].sort().join()) {
        store.sha = plan.sha;
        store.managed = new Set(managed);
        store.writes++;
      }
      return { writes: store.writes - before };
    },
  };
  return store;
}

import type { FlagState } from '../sync/desired.ts';
import type { FlagChange } from '../sync/plan.ts';
import type { HttpClient } from '../http/client.ts';
import { ApplyError, StoreError, type ApplyStats, type FlagStore } from './port.ts';

export interface UnleashSettings {
  project: string;
  /** The Unleash environment (may differ from rollgate's name for it). */
  environment: string;
  /** The feature whose description records the last applied SHA of this environment. */
  stateFeature: string;
}

interface Strategy {
  id: string;
  name: string;
  featureName: string;
  parameters: Record<string, string>;
  constraints?: unknown[];
  disabled?: boolean;
}

interface ExportBody {
  features: { name: string; archived?: boolean; project?: string }[];
  featureStrategies: Strategy[];
  featureEnvironments: { featureName: string; environment: string; enabled: boolean }[];
}

/**
 * Unleash through its Admin API. Each managed feature has exactly one flexibleRollout
 * strategy in the environment (rollout, stickiness, groupId); the strategy is written before
 * the environment is turned on, because `/on` on an environment without strategies creates a
 * 100 % one. Only the features it is given are touched. The applied SHA is kept in the
 * description of `stateFeature`, a feature that is never enabled.
 */
export function unleashStore(http: HttpClient, settings: UnleashSettings): FlagStore {
  const { project, environment, stateFeature } = settings;
  const feature = (name: string) => `/api/admin/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(name)}`;
  const env = (name: string) => `${feature(name)}/environments/${encodeURIComponent(environment)}`;
  /** Strategies seen by the last read, so apply can update in place. */
  let known = new Map<string, Strategy[]>();

  const readAll = async (): Promise<ExportBody> => {
    const { body } = await http.request<ExportBody>('POST', '/api/admin/features-batch/export', { environment, project });
    return { features: body?.features ?? [], featureStrategies: body?.featureStrategies ?? [], featureEnvironments: body?.featureEnvironments ?? [] };
  };

  return {
    name: `unleash ${http.options.baseUrl} (project ${project}, environment ${environment})`,
    async read(keys) {
      const body = await readAll();
      const existing = new Set(body.features.filter((f) => !f.archived).map((f) => f.name));
      const strategies = new Map<string, Strategy[]>();
      for (const s of body.featureStrategies) strategies.set(s.featureName, [...(strategies.get(s.featureName) ?? []), s]);
      const enabled = new Map(body.featureEnvironments.filter((e) => e.environment === environment).map((e) => [e.featureName, e.enabled]));
      known = strategies;
      const out = new Map<string, FlagState>();
      for (const key of keys) {
        if (!existing.has(key)) continue;
        const list = strategies.get(key) ?? [];
        const only = list.length === 1 && list[0].name === 'flexibleRollout' && !list[0].disabled && !(list[0].constraints ?? []).length ? list[0] : undefined;
        out.set(key, {
          enabled: enabled.get(key) ?? false,
          // Anything but one plain flexibleRollout reads as NaN %, so the plan rewrites it.
          percentage: only ? Number(only.parameters.rollout) : NaN,
          stickiness: only?.parameters.stickiness ?? '',
          groupId: only?.parameters.groupId ?? '',
        });
      }
      return out;
    },
    async appliedSha() {
      const { status, body } = await http.request<{ description?: string }>('GET', feature(stateFeature), undefined, [404]);
      if (status === 404) return undefined;
      return /applied-sha:([0-9a-f]{7,64})/.exec(body?.description ?? '')?.[1];
    },
    async apply(changes, sha, progress): Promise<ApplyStats> {
      const todo = changes.filter((c) => c.steps.length > 0);
      let writes = 0;
      const write = async (method: string, path: string, body?: unknown, accept: number[] = []) => {
        writes++;
        return http.request(method, path, body, accept);
      };
      const applied: string[] = [];
      for (const [i, change] of todo.entries()) {
        try {
          await applyOne(change);
        } catch (error) {
          throw new ApplyError(
            `${change.key}: ${(error as Error).message}`,
            applied,
            change.key,
            todo.slice(i).map((c) => c.key),
          );
        }
        applied.push(change.key);
        progress?.(i + 1, todo.length);
      }
      // Record the SHA last: a run that stops halfway leaves the old SHA, and the rerun converges.
      try {
        if ((await this.appliedSha()) !== sha) {
          await write('POST', `/api/admin/projects/${encodeURIComponent(project)}/features`, { name: stateFeature, type: 'operational', description: '' }, [409]);
          await write('PATCH', feature(stateFeature), [{ op: 'replace', path: '/description', value: `rollgate state of ${environment}; never enabled. applied-sha:${sha}` }]);
        }
      } catch (error) {
        throw new ApplyError(`every flag was applied, but recording the applied SHA in ${stateFeature} failed: ${(error as Error).message}`, applied, stateFeature, []);
      }
      return { writes };

      async function applyOne(change: FlagChange): Promise<void> {
        const steps = new Set(change.steps);
        if (steps.has('create')) {
          await write('POST', `/api/admin/projects/${encodeURIComponent(project)}/features`, { name: change.key, type: 'release', description: `Managed by rollgate (rollout ${change.rollout}); edit the rollout file, not this flag.` }, [409]);
        }
        // Turning off goes first, turning on last: the new percentage is never served from an old strategy.
        if (steps.has('disable')) await write('POST', `${env(change.key)}/off`);
        if (steps.has('create') || steps.has('set-percentage') || steps.has('set-stickiness')) {
          const parameters = { rollout: String(change.to.percentage), stickiness: change.to.stickiness, groupId: change.to.groupId };
          const strategy = { name: 'flexibleRollout', constraints: [], parameters };
          const [keep, ...extra] = known.get(change.key) ?? (steps.has('create') ? [] : await strategiesOf(change.key));
          if (keep) await write('PUT', `${env(change.key)}/strategies/${encodeURIComponent(keep.id)}`, strategy);
          else await write('POST', `${env(change.key)}/strategies`, strategy);
          for (const s of extra) await write('DELETE', `${env(change.key)}/strategies/${encodeURIComponent(s.id)}`, undefined, [404]);
        }
        if (steps.has('enable')) await write('POST', `${env(change.key)}/on`);
      }
    },
  };

  async function strategiesOf(key: string): Promise<Strategy[]> {
    const { body } = await http.request<{ strategies?: Strategy[] }>('GET', env(key));
    return body?.strategies ?? [];
  }
}

export { StoreError };

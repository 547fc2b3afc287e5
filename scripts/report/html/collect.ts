import type { ConfigModel, Located } from '../../config/model.ts';
import type { MetricsProvider as MetricsSettings, RolloutDocument } from '../../config/schema/index.ts';
import { GateError } from '../../gates/evaluate-gate.ts';
import { runGate } from '../../gates/run-gate.ts';
import { HttpError } from '../../http/client.ts';
import { MetricsProviderError } from '../../metrics/open-provider.ts';
import type { Git } from '../../git/port.ts';
import { enteredCurrentStage, stageHistory } from '../../git/stage-history.ts';
import type { MetricsProvider } from '../../metrics/port.ts';
import { rollbacksOf, timelineOf } from '../timeline.ts';
import type { SiteData, SiteRollout, SiteVerdict } from './site-data.ts';

export interface CollectInput {
  model: ConfigModel;
  git: Git;
  now: number;
  /** Opens an environment's metrics provider; absent: no gate is evaluated (`gatesNote` says why). */
  provider?: (settings: MetricsSettings, staticText: string | undefined) => MetricsProvider;
  gatesNote: string;
}

/** The report's data from the model on HEAD, git history and (when a provider is given) a fresh gate per environment. */
export async function collectSite(input: CollectInput): Promise<SiteData> {
  const { model } = input;
  const promotionOrder = model.environments[0]?.doc.spec.promotionOrder ?? [];
  const rollouts = [];
  for (const rollout of model.rollouts) rollouts.push(await collectRollout(input, rollout, promotionOrder));
  return { generatedAt: new Date(input.now).toISOString(), head: await input.git.head(), gates: { evaluated: input.provider !== undefined, note: input.gatesNote }, promotionOrder, rollouts };
}

async function collectRollout(input: CollectInput, rollout: Located<RolloutDocument>, order: string[]): Promise<SiteRollout> {
  const { doc } = rollout;
  const [history, commits] = await Promise.all([stageHistory(input.git, rollout.file.path), input.git.log(rollout.file.path)]);
  const pct = (stage: string) => doc.spec.stages.find((s) => s.name === stage)?.percentage ?? 0;
  // Environments in promotion order, then any the order does not name.
  const envs = [...order.filter((e) => Object.hasOwn(doc.spec.environments, e)), ...Object.keys(doc.spec.environments).filter((e) => !order.includes(e))];
  const environments = envs.map((env) => {
    const stage = doc.spec.environments[env].stage;
    const entered = enteredCurrentStage(history, env);
    return { env, stage, percentage: pct(stage), ...(entered?.to === stage ? { since: { date: entered.date, sha: entered.sha, subject: entered.subject } } : {}) };
  });
  const names = doc.spec.stages.map((s) => s.name);
  const verdicts: SiteVerdict[] = [];
  if (input.provider) {
    for (const env of envs.filter((e) => names.indexOf(doc.spec.environments[e].stage) < names.length - 1)) {
      try {
        verdicts.push({ env, report: await runGate({ rollout: doc.metadata.name, env, head: input.model, git: input.git, provider: input.provider, now: input.now }) });
      } catch (error) {
        // A provider that cannot be opened or reached is the page's news, not the report's end.
        if (!(error instanceof GateError || error instanceof MetricsProviderError || error instanceof HttpError)) throw error;
        verdicts.push({ env, error: error.message });
      }
    }
  }
  return {
    name: doc.metadata.name,
    flag: doc.spec.flag,
    ...(doc.metadata.description ? { description: doc.metadata.description } : {}),
    file: rollout.file.path,
    stages: doc.spec.stages.map((s) => ({ name: s.name, percentage: s.percentage })),
    environments,
    timeline: timelineOf(doc, history),
    verdicts,
    rollbacks: rollbacksOf(doc, history, commits),
  };
}

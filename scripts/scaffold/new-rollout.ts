import { isDeepStrictEqual } from 'node:util';
import { prometheusRules, ruleFileName } from '../alerts/export.ts';
import { buildModel, type ConfigModel } from '../config/model.ts';
import type { Metric } from '../config/schema/index.ts';
import { alertsDraft } from './alerts.ts';
import { alertTestDraft, type AlertCase } from './alert-test.ts';
import { checkDrafts, documentsOf, type DraftFile } from './draft.ts';
import { ScaffoldError } from './errors.ts';
import { roleMetrics } from './metric-roles.ts';
import { checkFlagKey, checkRolloutName } from './names.ts';
import { yamlText } from './render.ts';
import { rolloutDraft } from './rollout.ts';
import { TEMPLATE_SERIES } from './series.ts';
import { stagesFrom } from './stages.ts';

export interface NewRolloutRequest {
  name: string;
  /** Stage percentages, already checked (parseStages). */
  percentages: number[];
  /** Default: NAME. */
  flag?: string;
  /** Default: every environment, in promotion order. */
  envs?: string[];
  /** Where the `$schema` line points, e.g. `../schemas/` (the folder, with its slash). */
  schemaPrefix: string;
  /** init's own catalog: a metric defined exactly so gets alert tests that fire (its series are known). */
  templateCatalog: Map<string, Metric>;
}

type Documents = ReturnType<typeof documentsOf>;

/**
 * rollout/NAME.yaml, alerts/NAME.yaml and alerts/tests/NAME.yaml for a repository whose config
 * is `existing`, checked through validate's loader beside it; throws ScaffoldError when the
 * request is wrong or the files would not validate, so nothing is written.
 */
export function newRolloutFiles(existing: Documents, r: NewRolloutRequest): DraftFile[] {
  const base = buildModel(existing);
  const name = checkRolloutName(r.name);
  const flag = checkFlagKey(r.flag ?? name);
  const spec = base.environments[0]?.doc.spec;
  if (!spec) throw new ScaffoldError('scaffold/no-environments', 'no rollout/environments.yaml: a rollout needs the environments it runs in', 'run rollgate init to make a repository, or add rollout/environments.yaml', 1);
  const envs = r.envs ?? spec.promotionOrder;
  const unknown = envs.find((e) => !spec.promotionOrder.includes(e));
  if (unknown) throw new ScaffoldError('scaffold/unknown-environment', `--env ${unknown}: no such environment`, `environments.yaml declares ${spec.promotionOrder.join(', ')}`);
  const known = base.rolloutByName.get(name);
  if (known) throw new ScaffoldError('scaffold/exists', `a rollout named ${name} exists (${known.file.path})`, 'choose another NAME, or edit that file', 1);
  const flagOwner = base.rollouts.find((x) => x.doc.spec.flag === flag);
  if (flagOwner) throw new ScaffoldError('scaffold/flag-taken', `the flag ${flag} is driven by ${flagOwner.doc.metadata.name} (${flagOwner.file.path})`, 'give another key with --flag: two rollouts must never drive one flag', 2);

  const stages = stagesFrom(r.percentages);
  const metrics = roleMetrics(base);
  const rollout: DraftFile = {
    path: `rollout/${name}.yaml`,
    text: yamlText(rolloutDraft({ name, flag, stages, envs, metrics, approver: spec.configOwners ?? Object.keys(spec.approverGroups)[0] }), [
      `yaml-language-server: $schema=${r.schemaPrefix}rollout.schema.json`,
      `Made by rollgate new rollout: the gates, thresholds and bake times are a start; adjust them to ${name}.`,
    ]),
  };
  const alerts = alertsDraft({ rollout: name, firstStage: stages[0].name, metrics, channels: new Map([...base.channelCatalog].map(([k, v]) => [k, v.channel])) });
  if (!alerts) return verified(existing, [rollout]);
  const alertFile: DraftFile = { path: `alerts/${name}.yaml`, text: yamlText(alerts, [`yaml-language-server: $schema=${r.schemaPrefix}alert-rules.schema.json`]) };
  const { model } = checkDrafts(existing, [rollout, alertFile]);
  const test = alertTest(model, alertFile.path, r.templateCatalog);
  return verified(existing, [rollout, alertFile, ...(test ? [test] : [])]);
}

/** The drafts, when they validate beside the existing config; otherwise the diagnostics, as a refusal. */
function verified(existing: Documents, files: DraftFile[]): DraftFile[] {
  const errors = checkDrafts(existing, files).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    const list = errors.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`).join('; ');
    throw new ScaffoldError('scaffold/invalid-result', `the files would not validate: ${list}`, 'the repository\'s metric catalog or channels may need what a new rollout refers to; rollgate validate shows the repository\'s own problems', 1);
  }
  return files;
}

/** alerts/tests/NAME.yaml from the rules as `alerts export` writes them (exact labels and annotations). */
function alertTest(model: ConfigModel, path: string, templateCatalog: Map<string, Metric>): DraftFile | undefined {
  const located = model.alertRules.find((a) => a.file.path === path);
  const rollout = located?.doc.spec.rollout ? model.rolloutByName.get(located.doc.spec.rollout) : undefined;
  if (!located || !rollout) return undefined;
  const roles = new Map(roleMetrics(model).map((m) => [m.name, m.role]));
  const cases: AlertCase[] = located.doc.spec.rules.flatMap((rule) => {
    const exported = prometheusRules(model, located, rule);
    const metric = rule.when.metric;
    const role = metric ? roles.get(metric) : undefined;
    const same = metric !== undefined && isDeepStrictEqual(model.metricCatalog.get(metric)?.metric, templateCatalog.get(metric));
    const last = exported.at(-1)!;
    if (!role || !same || !last.labels.env) return [{ rule: last }];
    return [{ rule: last, series: TEMPLATE_SERIES[role.role](`flag="${rollout.doc.spec.flag}",variant="treatment",env="${last.labels.env}"`) }];
  });
  const name = located.doc.metadata.name;
  return {
    path: `alerts/tests/${name}.yaml`,
    text: yamlText(alertTestDraft(ruleFileName(name), cases), [
      `promtool unit tests of the alerts in ${path}; rollgate alerts test runs them.`,
      'rollgate alerts test exports the rules to a temp directory and copies this file beside them,',
      `so rule_files names the exported file by its bare name. Labels and annotations are the exported`,
      'ones in full (promtool compares all of them): change them here when you change the alert.',
      'A rule whose metric the scaffold has no series for only has a "stays quiet" test: add',
      'input_series that make it fire, and the alert it should then raise.',
    ]),
  };
}

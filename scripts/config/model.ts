import type { AlertRulesDocument, Channel, ChannelsDocument, EnvironmentsDocument, Kind, Metric, MetricsDocument, RolloutDocument } from './schema/index.ts';
import type { SourceFile } from './source.ts';

/** A parsed, schema-checked document and the file it came from (for positions). */
export interface Located<T> {
  file: SourceFile;
  doc: T;
}

/** Built-in metrics rollgate measures from git, not from a provider. */
export const BUILTIN_METRICS = ['time_in_stage', 'rollbacks_in_stage'] as const;

/** The whole repository's config, typed, with lookups the rules and commands share. */
export interface ConfigModel {
  rollouts: Located<RolloutDocument>[];
  metrics: Located<MetricsDocument>[];
  environments: Located<EnvironmentsDocument>[];
  alertRules: Located<AlertRulesDocument>[];
  channels: Located<ChannelsDocument>[];
  /** Metric name → definition and where it is declared (first declaration wins). */
  metricCatalog: Map<string, { metric: Metric; file: SourceFile; name: string }>;
  /** Environment name → where it is declared. */
  environmentNames: Map<string, SourceFile>;
  /** Channel name → receiver. */
  channelCatalog: Map<string, { channel: Channel; file: SourceFile }>;
  approverGroups: Set<string>;
  rolloutByName: Map<string, Located<RolloutDocument>>;
  /**
   * Kinds of which some file could not be read ('*' when its kind is unknown): names it
   * declares are missing from the lookups, so "unknown X" would be a follow-on error.
   */
  incomplete: Set<Kind | '*'>;
}

type KindDocs = {
  Rollout: RolloutDocument;
  Metrics: MetricsDocument;
  Environments: EnvironmentsDocument;
  AlertRules: AlertRulesDocument;
  Channels: ChannelsDocument;
};

/** Plain data in, lookups out: no I/O. */
export function buildModel(documents: { kind: Kind; file: SourceFile; value: unknown }[], incomplete: Iterable<Kind | '*'> = []): ConfigModel {
  const of = <K extends Kind>(kind: K) =>
    documents.filter((d) => d.kind === kind).map((d) => ({ file: d.file, doc: d.value as KindDocs[K] }));
  const model: ConfigModel = {
    rollouts: of('Rollout'),
    metrics: of('Metrics'),
    environments: of('Environments'),
    alertRules: of('AlertRules'),
    channels: of('Channels'),
    metricCatalog: new Map(),
    environmentNames: new Map(),
    channelCatalog: new Map(),
    approverGroups: new Set(),
    rolloutByName: new Map(),
    incomplete: new Set(incomplete),
  };
  for (const { file, doc } of model.metrics) {
    for (const [name, metric] of Object.entries(doc.spec.metrics)) {
      if (!model.metricCatalog.has(name)) model.metricCatalog.set(name, { metric, file, name });
    }
  }
  for (const { file, doc } of model.environments) {
    for (const name of Object.keys(doc.spec.environments)) if (!model.environmentNames.has(name)) model.environmentNames.set(name, file);
    for (const group of Object.keys(doc.spec.approverGroups)) model.approverGroups.add(group);
  }
  for (const { file, doc } of model.channels) {
    for (const [name, channel] of Object.entries(doc.spec.channels)) if (!model.channelCatalog.has(name)) model.channelCatalog.set(name, { channel, file });
  }
  for (const rollout of model.rollouts) {
    if (!model.rolloutByName.has(rollout.doc.metadata.name)) model.rolloutByName.set(rollout.doc.metadata.name, rollout);
  }
  return model;
}

/** Whether every file of `kind` was read, so a name missing from its lookup is really missing. */
export function isComplete(model: ConfigModel, kind: Kind): boolean {
  return !model.incomplete.has(kind) && !model.incomplete.has('*');
}

/** Whether a metric name can be measured: a catalog metric or a built-in. */
export function isKnownMetric(model: ConfigModel, name: string): boolean {
  return model.metricCatalog.has(name) || (BUILTIN_METRICS as readonly string[]).includes(name);
}

export function knownMetricNames(model: ConfigModel): string[] {
  return [...model.metricCatalog.keys(), ...BUILTIN_METRICS];
}

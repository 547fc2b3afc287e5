import type { AlertRulesDocument, Channel, ChannelsDocument, EnvironmentsDocument, Kind, Metric, MetricsDocument, RolloutDocument } from './schema/index.ts';
import { withDropped, type Path, type SourceFile } from './source.ts';

/** A parsed, schema-checked document and the file it came from (for positions). */
export interface Located<T> {
  file: SourceFile;
  doc: T;
  /** Items that failed their schema and are missing from `doc` (paths in the file; salvage.ts). */
  dropped?: readonly Path[];
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

/**
 * Kinds whose documents declare the names others reference. One that lost an item counts as
 * incomplete: the item's name may be what a reference meant (a misspelt key fails too).
 */
const CATALOG_KINDS: readonly Kind[] = ['Metrics', 'Environments', 'Channels'];

type KindDocs = {
  Rollout: RolloutDocument;
  Metrics: MetricsDocument;
  Environments: EnvironmentsDocument;
  AlertRules: AlertRulesDocument;
  Channels: ChannelsDocument;
};

/** Plain data in, lookups out: no I/O. */
export function buildModel(documents: { kind: Kind; file: SourceFile; value: unknown; dropped?: readonly Path[] }[], incomplete: Iterable<Kind | '*'> = []): ConfigModel {
  const of = <K extends Kind>(kind: K): Located<KindDocs[K]>[] =>
    documents
      .filter((d) => d.kind === kind)
      .map((d) => (d.dropped?.length ? { file: withDropped(d.file, d.dropped), doc: d.value as KindDocs[K], dropped: d.dropped } : { file: d.file, doc: d.value as KindDocs[K] }));
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
    incomplete: new Set([...incomplete, ...documents.filter((d) => d.dropped?.length && CATALOG_KINDS.includes(d.kind)).map((d) => d.kind)]),
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

/** Whether every item under `section` (e.g. 'spec', 'stages') passed its schema, so the list is the whole of it. */
export function isWhole(located: Located<unknown>, ...section: string[]): boolean {
  return !located.dropped?.some((p) => section.every((s, i) => p[i] === s));
}

/** Whether every stage of a rollout loaded: rules on the order or the first and last stage need them all. */
export const hasAllStages = (rollout: Located<RolloutDocument>): boolean => isWhole(rollout, 'spec', 'stages');

/**
 * Whether `name` may be a stage of the rollout: one it declares, or one that failed its schema
 * (its name read from the file; any name when that one has none), so "unknown stage" would be
 * a follow-on error.
 */
export function mayBeStage(rollout: Located<RolloutDocument>, name: string): boolean {
  if (rollout.doc.spec.stages.some((s) => s.name === name)) return true;
  for (const p of rollout.dropped ?? []) {
    if (p.length !== 3 || p[1] !== 'stages') continue;
    const dropped = rollout.file.doc.getIn([...p, 'name']);
    if (typeof dropped !== 'string' || dropped === name) return true;
  }
  return false;
}

/** Whether a metric name can be measured: a catalog metric or a built-in. */
export function isKnownMetric(model: ConfigModel, name: string): boolean {
  return model.metricCatalog.has(name) || (BUILTIN_METRICS as readonly string[]).includes(name);
}

export function knownMetricNames(model: ConfigModel): string[] {
  return [...model.metricCatalog.keys(), ...BUILTIN_METRICS];
}

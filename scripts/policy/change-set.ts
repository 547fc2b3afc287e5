import type { ConfigModel, Located } from '../config/model.ts';
import type { Path, SourceFile } from '../config/source.ts';
import type { RolloutDocument } from '../config/schema/index.ts';
import { extendsChain } from '../config/schema/gate-extends.ts';
import { diffPaths, showPath } from './diff.ts';
import { describeExposure, exposureChanges, type ExposureChange } from './exposure.ts';

/** One kind per field family, so that nothing a PR changes goes unlisted. */
export type ChangeKind =
  | 'advance'
  | 'rollback'
  | 'new-rollout'
  | 'removed-rollout'
  | 'renamed-rollout'
  | 'environments'
  | 'stages'
  | 'percentage'
  | 'gate'
  | 'rollback-matrix'
  | 'flag'
  | 'stickiness'
  | 'rollout-settings'
  | 'catalog'
  | 'provider'
  | 'store'
  | 'approver-groups'
  | 'environment-settings'
  | 'freeze'
  | 'alerts'
  | 'channels';

/** One thing a PR changes, with where it is written in the head version. */
export interface Change {
  kind: ChangeKind;
  rollout?: string;
  flag?: string;
  env?: string;
  from?: string;
  to?: string;
  /** gate: the stage the gate guards; percentage: the stage. */
  stage?: string;
  /** catalog: the metric. */
  metric?: string;
  /** approver-groups: the group. */
  group?: string;
  detail: string;
  file?: SourceFile;
  path?: Path;
}

/**
 * A rollout/environment whose served users grow, or whose stage moves forward: the only
 * thing a gate may allow, and only when it is exactly one step of base's stage list.
 */
export interface Move {
  rollout: string;
  env: string;
  flag: string;
  /** The head version (for positions). */
  head: Located<RolloutDocument>;
  /** The base rollout with the same name and the same flag: the only one whose gate counts. */
  base?: Located<RolloutDocument>;
  /** The stage on base (undefined: the environment is new to the rollout, or the rollout is). */
  from?: string;
  to: string;
  /** The flags of this rollout/env that serve someone new. */
  exposure: ExposureChange[];
}

/** Everything a PR changes: plain data for the policy rules and the reports. */
export interface ChangeSet {
  base: ConfigModel;
  head: ConfigModel;
  changes: Change[];
  exposure: ExposureChange[];
  moves: Move[];
}

export function changeSet(base: ConfigModel, head: ConfigModel): ChangeSet {
  const exposure = exposureChanges(base, head);
  const changes = [...rolloutChanges(base, head, exposure), ...catalogChanges(base, head), ...environmentChanges(base, head), ...alertChanges(base, head), ...channelChanges(base, head)];
  return { base, head, changes, exposure, moves: moves(base, head, exposure) };
}

/** The base rollout a head rollout continues: same name, else (a rename) same flag. */
export function counterpart(base: ConfigModel, head: ConfigModel, h: RolloutDocument): { doc: Located<RolloutDocument>; renamed: boolean } | undefined {
  const byName = base.rolloutByName.get(h.metadata.name);
  if (byName) return { doc: byName, renamed: false };
  const byFlag = base.rollouts.find((b) => b.doc.spec.flag === h.spec.flag && !head.rolloutByName.has(b.doc.metadata.name));
  return byFlag ? { doc: byFlag, renamed: true } : undefined;
}

function moves(base: ConfigModel, head: ConfigModel, exposure: ExposureChange[]): Move[] {
  const out: Move[] = [];
  for (const h of head.rollouts) {
    const name = h.doc.metadata.name;
    const b = base.rolloutByName.get(name);
    const same = b && b.doc.spec.flag === h.doc.spec.flag ? b : undefined;
    for (const [env, { stage: to }] of Object.entries(h.doc.spec.environments)) {
      const from = same?.doc.spec.environments[env]?.stage;
      const names = same?.doc.spec.stages.map((s) => s.name) ?? [];
      const forward = from !== undefined && names.includes(to) && names.indexOf(to) > names.indexOf(from);
      const grows = exposure.filter((e) => e.increases && e.env === env && e.rollout === name);
      if (forward || grows.length) out.push({ rollout: name, env, flag: h.doc.spec.flag, head: h, ...(same ? { base: same } : {}), ...(from !== undefined ? { from } : {}), to, exposure: grows });
    }
  }
  return out;
}

function rolloutChanges(base: ConfigModel, head: ConfigModel, exposure: ExposureChange[]): Change[] {
  const out: Change[] = [];
  const continued = new Set<string>();
  for (const h of head.rollouts) {
    const name = h.doc.metadata.name;
    const c = counterpart(base, head, h.doc);
    if (!c) {
      const envs = Object.entries(h.doc.spec.environments).map(([e, { stage }]) => `${e} at ${stage}`);
      out.push({ kind: 'new-rollout', rollout: name, flag: h.doc.spec.flag, detail: `new rollout ${name} (flag ${h.doc.spec.flag})${envs.length ? `: ${envs.join(', ')}` : ''}`, file: h.file, path: ['metadata', 'name'] });
      continue;
    }
    continued.add(c.doc.doc.metadata.name);
    if (c.renamed) out.push({ kind: 'renamed-rollout', rollout: name, flag: h.doc.spec.flag, from: c.doc.doc.metadata.name, to: name, detail: `rollout ${c.doc.doc.metadata.name} renamed ${name} (flag ${h.doc.spec.flag})`, file: h.file, path: ['metadata', 'name'] });
    out.push(...rolloutDiff(c.doc.doc, h, exposure));
  }
  for (const b of base.rollouts) {
    const name = b.doc.metadata.name;
    if (continued.has(name)) continue;
    out.push({ kind: 'removed-rollout', rollout: name, flag: b.doc.spec.flag, detail: `rollout ${name} removed: sync turns its flag ${b.doc.spec.flag} off in every environment` });
  }
  return out;
}

function rolloutDiff(b: RolloutDocument, head: Located<RolloutDocument>, exposure: ExposureChange[]): Change[] {
  const h = head.doc;
  const rollout = h.metadata.name;
  const at = (kind: ChangeKind, detail: string, path: Path, extra: Partial<Change> = {}): Change => ({ kind, rollout, flag: h.spec.flag, detail, file: head.file, path, ...extra });
  const out: Change[] = [];
  const once = new Set<string>();
  const first = (id: string) => !once.has(id) && once.add(id) !== undefined;
  const baseNames = b.spec.stages.map((s) => s.name);
  const headNames = h.spec.stages.map((s) => s.name);

  for (const path of diffPaths(b, h)) {
    const [top, field, key, sub] = path as [string, string | undefined, string | number | undefined, string | number | undefined];
    if (top === 'metadata' && field === 'name') continue; // listed as a rename
    if (top !== 'spec') {
      out.push(at('rollout-settings', `${showPath(path)} changed`, path));
      continue;
    }
    switch (field) {
      case 'environments': {
        const env = String(key);
        const was = b.spec.environments[env]?.stage;
        const now = h.spec.environments[env]?.stage;
        if (was === undefined || now === undefined) {
          if (first(`env:${env}`)) out.push(at('environments', was === undefined ? `${env} added at stage ${now}` : `${env} removed (was at ${was}): sync turns the flag off there`, now === undefined ? ['spec', 'environments'] : ['spec', 'environments', env], { env }));
        } else if (sub === 'stage') {
          const [i, j] = baseNames.includes(now) && baseNames.includes(was) ? [baseNames.indexOf(was), baseNames.indexOf(now)] : [headNames.indexOf(was), headNames.indexOf(now)];
          const grows = exposure.some((e) => e.increases && e.env === env && e.rollout === rollout);
          const kind = j > i || (j === i && grows) || (i < 0 && grows) ? 'advance' : 'rollback';
          out.push(at(kind, `${env}: ${was} → ${now}`, ['spec', 'environments', env, 'stage'], { env, from: was, to: now }));
        } else out.push(at('rollout-settings', `${showPath(path)} changed`, path, { env }));
        break;
      }
      case 'stages': {
        const i = typeof key === 'number' ? key : undefined;
        if (i !== undefined && sub === 'percentage' && b.spec.stages[i]?.name === h.spec.stages[i]?.name) {
          const s = h.spec.stages[i];
          out.push(at('percentage', `stage ${s.name}: ${b.spec.stages[i].percentage} % → ${s.percentage} %`, path, { stage: s.name }));
        } else if (first('stages')) {
          const show = (d: RolloutDocument) => d.spec.stages.map((s) => `${s.name} ${s.percentage} %${s.shadow ? ' shadow' : ''}${s.bake ? ` bake ${s.bake}` : ''}`).join(', ');
          out.push(at('stages', `stages: ${show(b)} → ${show(h)}`, ['spec', 'stages']));
        }
        break;
      }
      case 'sharedGates': {
        // A shared gate is part of every gate that extends it: a change to it changes those gates.
        const name = key === undefined ? undefined : String(key);
        const stages = [...new Set([...stagesExtending(b, name), ...stagesExtending(h, name)])];
        for (const stage of stages) if (first(`gate:${stage}`)) out.push(at('gate', `gate into ${stage} changed (through shared gate ${name})`, path.slice(0, 3), { stage }));
        if (!stages.length && first(`shared:${name}`)) out.push(at('rollout-settings', `${name === undefined ? 'shared gates' : `shared gate ${name}`} changed; no gate extends ${name === undefined ? 'them' : 'it'}`, path.slice(0, 3)));
        break;
      }
      case 'gates':
      case 'writtenGates': {
        const stage = key === undefined ? '*' : String(key);
        if (first(`gate:${stage}`)) out.push(at('gate', stage === '*' ? 'gates changed' : `gate into ${stage} ${b.spec.gates?.[stage] === undefined ? 'added' : h.spec.gates?.[stage] === undefined ? 'removed' : 'changed'}`, h.spec.gates?.[stage] ? ['spec', 'gates', stage] : ['spec', 'gates'], stage === '*' ? {} : { stage }));
        break;
      }
      case 'rollback':
        if (first('rollback')) out.push(at('rollback-matrix', 'rollback matrix changed', ['spec', 'rollback']));
        break;
      case 'flag':
        out.push(at('flag', `flag ${b.spec.flag} → ${h.spec.flag}: the old key is turned off, the new one serves anew`, path));
        break;
      case 'stickiness':
        out.push(at('stickiness', `stickiness ${b.spec.stickiness} → ${h.spec.stickiness}: users are bucketed anew`, path));
        break;
      default:
        out.push(at('rollout-settings', `${showPath(path)} changed`, path));
    }
  }
  return out;
}

/** Stages whose gate extends shared gate `name`, directly or through another (every stage with a gate when `name` is undefined). */
function stagesExtending(d: RolloutDocument, name: string | undefined): string[] {
  const shared = d.spec.sharedGates ?? {};
  return Object.entries(d.spec.writtenGates ?? d.spec.gates ?? {})
    .filter(([, gate]) => name === undefined ? gate.extends !== undefined : extendsChain(gate, shared).chain.includes(name))
    .map(([stage]) => stage);
}

function catalogChanges(base: ConfigModel, head: ConfigModel): Change[] {
  const out: Change[] = [];
  for (const name of new Set([...base.metricCatalog.keys(), ...head.metricCatalog.keys()])) {
    const b = base.metricCatalog.get(name);
    const h = head.metricCatalog.get(name);
    if (b && h && diffPaths(b.metric, h.metric).length === 0) continue;
    out.push({ kind: 'catalog', metric: name, detail: `metric ${name} ${!b ? 'added' : !h ? 'removed' : 'changed'}`, ...(h ? { file: h.file, path: ['spec', 'metrics', name] } : {}) });
  }
  return out;
}

function environmentChanges(base: ConfigModel, head: ConfigModel): Change[] {
  const out: Change[] = [];
  const [b, h] = [base.environments[0], head.environments[0]];
  if (!b || !h) {
    if (b || h) out.push({ kind: 'environment-settings', detail: `environments file ${b ? 'removed' : 'added'}` });
    return out;
  }
  if (diffPaths(b.doc.spec.freeze, h.doc.spec.freeze).length) {
    const lifted = h.doc.spec.freeze === undefined;
    // Setting or changing a freeze only stops advances; lifting one is a config change.
    out.push({ kind: lifted ? 'environment-settings' : 'freeze', detail: lifted ? 'freeze lifted' : `freeze ${b.doc.spec.freeze ? 'changed' : 'set'}: ${h.doc.spec.freeze!.reason}`, file: h.file, path: ['spec', 'freeze'] });
  }
  for (const path of diffPaths(b.doc.spec, h.doc.spec)) {
    const [field, key, sub] = path;
    const full = ['spec', ...path];
    if (field === 'environments' && key !== undefined && sub !== undefined) {
      const kind = sub === 'metrics' ? 'provider' : sub === 'store' ? 'store' : 'environment-settings';
      out.push({ kind, env: String(key), detail: `${String(key)}: ${showPath(path.slice(2))} changed`, file: h.file, path: full });
    } else if (field === 'freeze') {
      continue; // one change for the whole freeze, above
    } else if (field === 'approverGroups' || field === 'configOwners') {
      out.push({ kind: 'approver-groups', ...(key !== undefined ? { group: String(key) } : {}), detail: `${showPath(path)} changed`, file: h.file, path: full });
    } else out.push({ kind: 'environment-settings', ...(field === 'environments' && key !== undefined ? { env: String(key) } : {}), detail: `${showPath(path)} changed`, file: h.file, path: full });
  }
  return out;
}

function alertChanges(base: ConfigModel, head: ConfigModel): Change[] {
  const out: Change[] = [];
  const byName = (m: ConfigModel) => new Map(m.alertRules.map((a) => [a.doc.metadata.name, a]));
  const [ba, ha] = [byName(base), byName(head)];
  for (const name of new Set([...ba.keys(), ...ha.keys()])) {
    const b = ba.get(name);
    const h = ha.get(name);
    const rollout = (h ?? b)!.doc.spec.rollout;
    if (!b || !h) {
      out.push({ kind: 'alerts', ...(rollout ? { rollout } : {}), detail: `alert rules ${name} ${b ? 'removed' : 'added'}`, ...(h ? { file: h.file, path: ['metadata', 'name'] } : {}) });
      continue;
    }
    const rules = (d: typeof b) => new Map(d.doc.spec.rules.map((r, i) => [r.name, { r, i }]));
    const [br, hr] = [rules(b), rules(h)];
    for (const rule of new Set([...br.keys(), ...hr.keys()])) {
      const x = br.get(rule);
      const y = hr.get(rule);
      if (x && y && diffPaths(x.r, y.r).length === 0) continue;
      out.push({ kind: 'alerts', ...(rollout ? { rollout } : {}), detail: `alert ${rule} ${!x ? 'added' : !y ? 'removed' : 'changed'} (${name})`, file: h.file, path: y ? ['spec', 'rules', y.i] : ['spec', 'rules'] });
    }
    for (const path of diffPaths({ ...b.doc, spec: { ...b.doc.spec, rules: [] } }, { ...h.doc, spec: { ...h.doc.spec, rules: [] } })) {
      out.push({ kind: 'alerts', ...(rollout ? { rollout } : {}), detail: `alert rules ${name}: ${showPath(path)} changed`, file: h.file, path });
    }
  }
  return out;
}

function channelChanges(base: ConfigModel, head: ConfigModel): Change[] {
  const out: Change[] = [];
  for (const name of new Set([...base.channelCatalog.keys(), ...head.channelCatalog.keys()])) {
    const b = base.channelCatalog.get(name);
    const h = head.channelCatalog.get(name);
    if (b && h && diffPaths(b.channel, h.channel).length === 0) continue;
    out.push({ kind: 'channels', detail: `channel ${name} ${!b ? 'added' : !h ? 'removed' : 'changed'}`, ...(h ? { file: h.file, path: ['spec', 'channels', name] } : {}) });
  }
  return out;
}

/** One line per exposure change, for the plan report. */
export function describeExposureChange(e: ExposureChange): string {
  return `${e.env} ${e.key}: ${describeExposure(e.before)} → ${describeExposure(e.after)}${e.increases ? ' (serves users it did not)' : ''}`;
}


import type { FlagState } from '../sync/desired.ts';
import { handMade, ORPHAN_REASON, pending, touched, type FlagChange, type OrphanChange } from '../sync/plan.ts';
import { short, type EnvResult, type Mode } from '../sync/sync.ts';

const pct = (s: FlagState | undefined) => (s === undefined ? '—' : Number.isNaN(s.percentage) ? 'unrecognised' : `${s.percentage} %`);

/** `--check`: what the store has beside what main says, per step. */
function compare(c: FlagChange): string {
  if (!c.from) return `missing in the store; main says ${pct(c.to)}, ${c.to.enabled ? 'on' : 'off'}`;
  const parts: string[] = [];
  if (c.steps.includes('set-percentage')) parts.push(`store ${pct(c.from)}${c.from.groupId !== c.to.groupId ? ` in group ${c.from.groupId || '—'}` : ''}, main ${pct(c.to)}${c.from.groupId !== c.to.groupId ? ` in group ${c.to.groupId}` : ''}`);
  if (c.steps.includes('set-stickiness')) parts.push(`store sticks by ${c.from.stickiness || '—'}, main by ${c.to.stickiness}`);
  if (c.steps.includes('enable') || c.steps.includes('disable')) parts.push(`store ${c.from.enabled ? 'on' : 'off'}, main ${c.to.enabled ? 'on' : 'off'}`);
  return parts.join('; ');
}

/** Hand-made changes a store keeps beside rollgate's strategy. */
const kept = (c: FlagChange) => `hand-made in the store, kept: ${c.from!.handMade!.join('; ')}`;

function describe(c: FlagChange): string {
  const parts: string[] = [];
  for (const step of c.steps) {
    if (step === 'create') parts.push(`create at ${pct(c.to)}${c.to.enabled ? ', enabled' : ', disabled'}`);
    else if (step === 'set-percentage' && !c.steps.includes('create')) parts.push(`${pct(c.from)} → ${pct(c.to)}${c.from && c.from.groupId !== c.to.groupId ? ` (group ${c.from.groupId || '—'} → ${c.to.groupId})` : ''}`);
    else if (step === 'set-stickiness') parts.push(`stickiness ${c.from?.stickiness || '—'} → ${c.to.stickiness}`);
    else if (step === 'enable' && !c.steps.includes('create')) parts.push('enable');
    else if (step === 'disable') parts.push('disable');
  }
  return parts.join(', ');
}

function describeOrphan(o: OrphanChange): string {
  if (o.steps.includes('disable')) return `${ORPHAN_REASON}: turn off (${pct(o.from)}, on → off; kept in the store)`;
  return `${ORPHAN_REASON}: ${o.from ? 'already off' : 'gone from the store'}; stop managing it`;
}

const HEADLINE: Record<EnvResult['status'], string> = {
  applied: 'applied',
  planned: 'would apply (dry run)',
  'in-sync': 'in sync',
  drift: 'DRIFT',
  refused: 'REFUSED',
  failed: 'FAILED',
};

/** The plan and what happened, per environment. */
export function renderSyncText(results: EnvResult[], mode: Mode): string {
  const out: string[] = [];
  for (const r of results) {
    const todo = pending(r.plan);
    const recorded = r.plan.recordedSha ? `, store recorded ${short(r.plan.recordedSha)}` : ', store recorded no sync yet';
    out.push(`${r.plan.env}: ${HEADLINE[r.status]} — ${r.plan.store} at ${short(r.plan.sha)}${recorded}`);
    const width = Math.max(0, ...todo.map((c) => c.key.length), ...handMade(r.plan).map((c) => c.key.length), ...r.plan.orphans.map((o) => o.key.length));
    for (const c of todo) out.push(`  ${c.steps.includes('create') ? '+' : '~'} ${c.key.padEnd(width)}  ${c.stage.padEnd(8)} ${mode === 'check' ? compare(c) : describe(c)}`);
    for (const c of handMade(r.plan)) out.push(`  ! ${c.key.padEnd(width)}  ${c.stage.padEnd(8)} ${kept(c)} (remove it there to clear this drift)`);
    for (const o of r.plan.orphans) out.push(`  - ${o.key.padEnd(width)}  ${'orphan'.padEnd(8)} ${describeOrphan(o)}`);
    const same = r.plan.changes.length - todo.length;
    if (same) out.push(`  = ${same} flag${same === 1 ? '' : 's'} unchanged`);
    if (r.reason) out.push(`  ${r.status === 'refused' ? 'refused' : 'error'}: ${r.reason}`);
    if (r.status === 'failed') {
      out.push(`  applied: ${r.applied?.length ? r.applied.join(', ') : 'none'}`);
      out.push(`  not applied: ${r.notApplied?.length ? r.notApplied.join(', ') : 'none'}`);
      out.push('  run the sync again: it converges from what the store holds now');
    }
    const changed = touched(r.plan).length;
    if (r.status === 'applied') out.push(`  ${changed} flag${changed === 1 ? '' : 's'} changed, ${r.writes} write${r.writes === 1 ? '' : 's'}`);
    for (const note of r.notes ?? []) out.push(`  note: ${note}`);
    out.push('');
  }
  if (mode === 'check') {
    const drift = results.flatMap((r) => [
      ...r.plan.changes.filter((c) => c.steps.length || c.from?.handMade?.length).map((c) => `${r.plan.env}/${c.key}${c.from?.handMade?.length ? ` (hand-made in the store: ${c.from.handMade.join('; ')})` : ''}`),
      ...r.plan.orphans.map((o) => `${r.plan.env}/${o.key} (${ORPHAN_REASON})`),
    ]);
    out.push(drift.length ? `drift in ${drift.length} flag${drift.length === 1 ? '' : 's'}: ${drift.join(', ')}` : 'no drift');
  }
  return out.join('\n') + '\n';
}

/** `sync --format json`: a stable shape for tools. */
export function renderSyncJson(results: EnvResult[], mode: Mode): string {
  const ok = results.every((r) => r.status === 'applied' || r.status === 'planned' || r.status === 'in-sync');
  return (
    JSON.stringify(
      {
        ok,
        mode,
        environments: results.map((r) => ({
          env: r.plan.env,
          store: r.plan.store,
          status: r.status,
          ...(r.reason ? { reason: r.reason } : {}),
          sha: r.plan.sha,
          recordedSha: r.plan.recordedSha ?? null,
          writes: r.writes,
          ...(r.notes ? { notes: r.notes } : {}),
          changes: pending(r.plan).map((c) => ({ key: c.key, rollout: c.rollout, stage: c.stage, steps: c.steps, from: c.from ?? null, to: c.to })),
          orphans: r.plan.orphans.map((o) => ({ key: o.key, steps: o.steps, from: o.from ?? null, reason: ORPHAN_REASON })),
          handMade: handMade(r.plan).map((c) => ({ key: c.key, kept: c.from!.handMade! })),
          unchanged: r.plan.changes.length - pending(r.plan).length,
          ...(r.applied ? { applied: r.applied } : {}),
          ...(r.notApplied ? { notApplied: r.notApplied } : {}),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** Markdown for $GITHUB_STEP_SUMMARY. */
export function renderSyncSummary(results: EnvResult[], mode: Mode): string {
  let out = `## rollgate sync${mode === 'apply' ? '' : ` --${mode}`}\n\n`;
  for (const r of results) {
    const todo = pending(r.plan);
    out += `### ${r.plan.env}: ${HEADLINE[r.status]}\n\n${cell(r.plan.store)} at \`${short(r.plan.sha)}\`${r.reason ? `\n\n> ${cell(r.reason)}` : ''}\n\n`;
    if (todo.length || r.plan.orphans.length || handMade(r.plan).length) {
      out += '| flag | rollout | stage | change |\n|---|---|---|---|\n';
      for (const c of todo) out += `| \`${c.key}\` | ${c.rollout} | ${c.stage} | ${cell(describe(c))} |\n`;
      for (const o of r.plan.orphans) out += `| \`${o.key}\` | — | — | ${cell(describeOrphan(o))} |\n`;
      for (const c of handMade(r.plan)) out += `| \`${c.key}\` | ${c.rollout} | ${c.stage} | ${cell(kept(c))} |\n`;
      out += '\n';
    }
    out += `${r.plan.changes.length - todo.length} flag(s) unchanged.\n\n`;
  }
  return out;
}

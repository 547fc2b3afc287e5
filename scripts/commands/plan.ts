import { appendFile } from 'node:fs/promises';
import { gitAt } from '../git/simple-git.ts';
import { evaluatePolicy } from '../policy/evaluate.ts';
import { renderAnnotations } from '../report/github.ts';
import { formatOf, loadValidConfig, parse, repoDir, UsageError, type Io } from './common.ts';

export const usage = `rollgate plan [--base REF] [--dir PATH] [--format text|json|github]

What HEAD changes against REF (default origin/<main>, else <main>) per rollout and
environment — advance, rollback, gate edit, stage-list edit, alert edit — and the PR
policy's verdict: at most one stage forward per environment, production never ahead of
staging, the current stage's bake elapsed, no gate changed and passed in one PR, no live
stage's percentage changed. A rollback is always allowed.
Exit 0 allowed, 1 refused, 2 usage or infrastructure error.`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { base: { type: 'string' } });
  if (values.help) return io.stdout(usage + '\n'), 0;
  const format = formatOf(io, values.format);
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const git = gitAt(dir);
  const main = model.environments[0]?.doc.spec.mainBranch ?? 'main';
  const base = values.base ?? ((await git.resolve(`refs/remotes/origin/${main}`)) ? `origin/${main}` : main);
  if (!(await git.resolve(base))) throw new UsageError(`--base ${base}: no such ref`);
  const verdict = await evaluatePolicy(git, model, base, io.now());

  if (format === 'json') {
    io.stdout(JSON.stringify(verdict, null, 2) + '\n');
  } else {
    const out = [`plan against ${base} (${verdict.base.sha.slice(0, 7)}): ${verdict.changes.length} change${verdict.changes.length === 1 ? '' : 's'}`];
    for (const c of verdict.changes) out.push(`  ${c.kind.padEnd(16)} ${c.rollout}: ${c.detail}`);
    if (verdict.refusals.length) {
      out.push('', 'refused:');
      for (const r of verdict.refusals) out.push(`  ${r.file ?? ''}${r.line ? `:${r.line}:${r.col}` : ''} ${r.code} ${r.message}`, `    hint: ${r.hint}`);
    } else out.push('', 'allowed');
    if (format === 'github') {
      io.stdout(renderAnnotations(verdict.refusals.map((r) => ({ code: r.code, severity: 'error' as const, file: r.file ?? '', line: r.line ?? 1, col: r.col ?? 1, message: r.message, hint: r.hint }))));
      if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, `## rollgate plan\n\n\`\`\`\n${out.join('\n')}\n\`\`\`\n`);
    }
    io.stdout(out.join('\n') + '\n');
  }
  return verdict.allowed ? 0 : 1;
}

import { appendFile } from 'node:fs/promises';
import { renderAnnotations, renderSummary } from '../report/github.ts';
import { renderJson } from '../report/json.ts';
import { renderText } from '../report/text.ts';
import { validateRepository } from '../rules/validate-repository.ts';
import { formatOf, parse, repoDir, textStyle, threadsFrom, type Io } from './common.ts';

export const usage = `rollgate validate [--dir PATH] [--format text|json|github]

Checks every file under rollout/ and alerts/: YAML, schema, and the rules across files.
Exit 0 valid (warnings allowed), 1 invalid, 2 usage or infrastructure error.
ROLLGATE_THREADS=N caps the threads that check files (default: the cores, at most 4).

Examples:
  rollgate validate
  rollgate validate --dir ../rollouts --format json`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {});
  if (values.help) return io.stdout(usage + '\n'), 0;
  const format = formatOf(io, values.format);
  const dir = repoDir(io, values.dir);
  const result = await validateRepository(dir, { threads: threadsFrom(io.env) });
  if (format === 'json') io.stdout(renderJson(result.ok, result.diagnostics, result.files));
  else if (format === 'github') {
    io.stdout(renderAnnotations(result.diagnostics));
    io.stdout(renderText(result.diagnostics, result.sources, result.files));
    if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, renderSummary('rollgate validate', result.diagnostics, result.files));
  } else io.stdout(renderText(result.diagnostics, result.sources, result.files, textStyle(io)));
  return result.ok ? 0 : 1;
}

import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { exportAlertmanager, exportRules, ExportError, type AlertmanagerOptions, type ExportedFile } from '../alerts/export.ts';
import { writeAtomic } from '../files/write-atomic.ts';
import { checkAlertmanagerConfig, checkRules, testRules, ToolMissingError, type ToolPaths, type ToolResult } from '../alerts/promtool.ts';
import type { ConfigModel } from '../config/model.ts';
import { DURATION_PATTERN } from '../config/schema/common.ts';
import { formatOf, InfrastructureError, loadValidConfig, parse, repoDir, UsageError, type Io } from './common.ts';

export const usage = `rollgate alerts export [--out DIR] [--webhook-url URL] [--secrets-dir DIR] [--check]
                       [--group-wait D] [--group-interval D] [--repeat-interval D]
rollgate alerts test
Both take --dir PATH and --format text|json.

export  Writes one Prometheus rule file per alerts/*.yaml, DIR/alerts/NAME.rules.yml, and
        DIR/alertmanager.yml (DIR default: build/alerts in the repository), each atomically;
        rule files whose alert file is gone are removed. A metric alert becomes one rule per
        environment of its rollout, labelled env.
  --webhook-url URL   rollgate's webhook for onFire.rollback alerts (default: the url of
                      the rollgate-webhook channel)
  --secrets-dir DIR   where Alertmanager reads secrets, one file per env variable name
                      (default /etc/alertmanager/secrets); values are never written
  --group-wait D, --group-interval D, --repeat-interval D
                      override every route's timing (e.g. --group-wait 1s in tests)
  --check             then run promtool check rules and amtool check-config on the output
test    Exports the rules to a temp directory, copies alerts/tests/*.yaml next to them and
        runs promtool test rules: a test's rule_files name exported files by their bare
        name, NAME.rules.yml.
Exit 0 ok, 1 invalid config or a failed check or test, 2 usage error or promtool/amtool
missing (Debian packages prometheus, prometheus-alertmanager; PROMTOOL and AMTOOL name
other binaries).

Examples:
  rollgate alerts export --check
  rollgate alerts export --out /etc/prometheus/rollgate --webhook-url https://rollgate.example.com/alertmanager
  rollgate alerts test`;

const OPTIONS = {
  out: { type: 'string' },
  'webhook-url': { type: 'string' },
  'secrets-dir': { type: 'string' },
  'group-wait': { type: 'string' },
  'group-interval': { type: 'string' },
  'repeat-interval': { type: 'string' },
  check: { type: 'boolean' },
} as const;

/** Where `alerts test` finds promtool unit tests, relative to the repository. */
const TESTS_DIR = 'alerts/tests';

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  const [sub, ...extra] = positionals;
  if (sub !== 'export' && sub !== 'test') throw new UsageError(sub ? `unknown subcommand "${sub}" (export, test)` : 'give a subcommand: export or test');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (sub === 'test') {
    const used = Object.keys(OPTIONS).find((k) => values[k as keyof typeof OPTIONS] !== undefined);
    if (used) throw new UsageError(`--${used} applies to alerts export, not alerts test`);
  }
  const format = formatOf(io, values.format, ['text', 'json', 'github']);
  const dir = repoDir(io, values.dir);
  const tools: ToolPaths = { promtool: io.env.PROMTOOL || undefined, amtool: io.env.AMTOOL || undefined };
  const { model } = await loadValidConfig(io, dir);
  try {
    if (sub === 'test') return await runTests(io, dir, model, format, tools);
    const options: AlertmanagerOptions = {
      webhookUrl: values['webhook-url'],
      secretsDir: values['secrets-dir'],
      groupWait: duration('--group-wait', values['group-wait']),
      groupInterval: duration('--group-interval', values['group-interval'], false),
      repeatInterval: duration('--repeat-interval', values['repeat-interval'], false),
    };
    const out = values.out ? resolve(io.cwd, values.out) : join(dir, 'build', 'alerts');
    return await runExport(io, model, out, options, values.check ?? false, format, tools);
  } catch (error) {
    if (error instanceof ExportError) {
      io.stderr(`rollgate alerts: ${error.message}\n`);
      return 1;
    }
    // The CLI's error table knows InfrastructureError: exit 2 with the message, no stack.
    if (error instanceof ToolMissingError) throw new InfrastructureError(error.message);
    throw error;
  }
}

function duration(flag: string, value: string | undefined, zeroAllowed = true): string | undefined {
  if (value !== undefined && !DURATION_PATTERN.test(value)) throw new UsageError(`${flag} must be a duration like 1s, 30s, 5m, got "${value}"`);
  // Alertmanager refuses a zero group or repeat interval; only group_wait may be 0s.
  if (value !== undefined && !zeroAllowed && !/[1-9]/.test(value)) throw new UsageError(`${flag} must be longer than 0`);
  return value;
}

async function runExport(io: Io, model: ConfigModel, out: string, options: AlertmanagerOptions, check: boolean, format: string, tools: ToolPaths): Promise<number> {
  // Build everything before writing anything: an export error leaves the old output whole.
  const files: ExportedFile[] = [...exportRules(model), { file: 'alertmanager.yml', text: exportAlertmanager(model, options) }];
  for (const f of files) await writeAtomically(join(out, f.file), f.text);
  const removed = await removeStaleRuleFiles(out, files);
  const show = (file: string) => relative(io.cwd, join(out, file)) || '.';
  let checks: { rules: ToolResult; alertmanager: ToolResult } | undefined;
  if (check) {
    const ruleFiles = files.filter((f) => f.file !== 'alertmanager.yml').map((f) => join(out, f.file));
    const [rulesResult, amResult] = await Promise.all([ruleFiles.length ? checkRules(ruleFiles, tools) : Promise.resolve({ ok: true, output: '' }), checkAlertmanagerConfig(join(out, 'alertmanager.yml'), tools)]);
    checks = { rules: rulesResult, alertmanager: amResult };
  }
  const ok = !checks || (checks.rules.ok && checks.alertmanager.ok);
  if (format === 'json') {
    io.stdout(JSON.stringify({ ok, out: relative(io.cwd, out) || '.', files: files.map((f) => show(f.file)), removed: removed.map(show), ...(checks ? { checks } : {}) }, null, 2) + '\n');
    return ok ? 0 : 1;
  }
  for (const f of files) io.stdout(`wrote ${show(f.file)}${f.rules === undefined ? '' : ` (${f.rules} rules)`}\n`);
  for (const f of removed) io.stdout(`removed ${show(f)} (its alert file is gone)\n`);
  if (checks) {
    io.stdout(`promtool check rules: ${checks.rules.ok ? 'ok' : 'FAILED'}\n`);
    if (!checks.rules.ok) io.stdout(indent(checks.rules.output));
    io.stdout(`amtool check-config: ${checks.alertmanager.ok ? 'ok' : 'FAILED'}\n`);
    if (!checks.alertmanager.ok) io.stdout(indent(checks.alertmanager.output));
  }
  return ok ? 0 : 1;
}

async function runTests(io: Io, dir: string, model: ConfigModel, format: string, tools: ToolPaths): Promise<number> {
  const names = (await readdir(join(dir, TESTS_DIR)).catch(() => [] as string[])).filter((f) => f.endsWith('.yaml')).sort();
  if (!names.length) {
    if (format === 'json') io.stdout(JSON.stringify({ ok: true, tests: [] }, null, 2) + '\n');
    else io.stdout(`no alert tests in ${TESTS_DIR}/*.yaml\n`);
    return 0;
  }
  const tmp = await mkdtemp(join(tmpdir(), 'rollgate-alerts-'));
  try {
    for (const f of exportRules(model)) await writeAtomically(join(tmp, f.file), f.text);
    // Tests sit beside the exported rule files, so `rule_files: [NAME.rules.yml]` resolves;
    // tests end in .yaml and exports in .rules.yml, so a copy never overwrites an export.
    const copies = names.map((n) => join(tmp, 'alerts', n));
    await Promise.all(names.map((n, i) => copyFile(join(dir, TESTS_DIR, n), copies[i])));
    // One promtool per file: its failures go to stderr, and one process per file keeps each
    // failure under its own file's name instead of after all of them.
    const results = await Promise.all(copies.map((copy) => testRules([copy], tools)));
    // promtool names the temp copies; point the reader at the files in the repository.
    const tests = names.map((n, i) => ({ file: `${TESTS_DIR}/${n}`, ok: results[i].ok, output: results[i].output.split(copies[i]).join(`${TESTS_DIR}/${n}`).split(join(tmp, 'alerts') + '/').join('') }));
    const ok = tests.every((t) => t.ok);
    if (format === 'json') io.stdout(JSON.stringify({ ok, tests }, null, 2) + '\n');
    else {
      for (const t of tests) io.stdout(t.output.trim() ? t.output.trimEnd() + '\n' : `${t.file}: ${t.ok ? 'SUCCESS' : 'FAILED'}\n`);
      io.stdout(`${tests.filter((t) => t.ok).length} of ${tests.length} alert test files passed\n`);
      // On the PR's diff, the failing test file is where a reviewer looks first.
      if (format === 'github') for (const t of tests.filter((x) => !x.ok)) io.stdout(`::error file=${t.file},title=rollgate alerts test::promtool test rules failed (details in the log)\n`);
    }
    return ok ? 0 : 1;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Temp file + rename: Prometheus or Alertmanager reloading mid-write never reads half a file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await writeAtomic(path, text).catch((error: Error) => {
    throw new InfrastructureError(error.message);
  });
}

/** Rule files of a previous export whose alert file was deleted: left behind, their alerts would keep firing. */
async function removeStaleRuleFiles(out: string, written: ExportedFile[]): Promise<string[]> {
  const keep = new Set(written.map((f) => f.file));
  const present = await readdir(join(out, 'alerts')).catch(() => [] as string[]);
  const stale = present.map((n) => `alerts/${n}`).filter((f) => f.endsWith('.rules.yml') && !keep.has(f));
  await Promise.all(stale.map((f) => rm(join(out, f), { force: true })));
  return stale;
}

const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n') + '\n';

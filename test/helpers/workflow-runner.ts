import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './cli.ts';

/**
 * Runs one job of one of our workflow files the way GitHub Actions runs it, as far as this
 * machine can: every `run:` script verbatim under `bash -eo pipefail`, with the step's `env:`
 * and `${{ }}` expressions taken from the event, `$GITHUB_OUTPUT` read back into step
 * outputs and `if:` conditions honoured. Actions are emulated: `actions/checkout` clones the
 * origin at its default branch (or `with.ref`), `setup-node` is the Node running the
 * tests, `download-artifact` writes the given files. The one liberty: `npm ci` links this
 * repository's node_modules (same lock file) instead of downloading packages.
 */
export interface JobRun {
  workflow: string;
  job: string;
  eventName: string;
  event: Record<string, unknown>;
  /** The bare origin the checkout clones. */
  origin: string;
  secrets?: Record<string, string>;
  /** Extra environment for every step (e.g. GITHUB_API_URL of the local GitHub server). */
  env?: Record<string, string>;
  /** Artifacts by name: file name → content. */
  artifacts?: Record<string, Record<string, string>>;
  /** The matrix values of this job run (`matrix.env`). */
  matrix?: Record<string, string>;
}

export interface StepResult {
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  code?: number;
  stdout: string;
  stderr: string;
}

export interface JobResult {
  workdir: string;
  steps: StepResult[];
  ok: boolean;
}

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export async function runJob(options: JobRun): Promise<JobResult> {
  const wf = parse(readFileSync(join(ROOT, '.github', 'workflows', options.workflow), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
  const job = wf.jobs[options.job];
  if (!job) throw new Error(`no job ${options.job} in ${options.workflow}`);
  const root = mkdtempSync(join(tmpdir(), 'rollgate-actions-'));
  const workdir = join(root, 'work');
  const temp = join(root, 'runner-temp');
  mkdirSync(temp);
  const eventPath = join(root, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event));
  const context = {
    github: { event: options.event, event_name: options.eventName, token: options.secrets?.GITHUB_TOKEN ?? '', repository: 'octo-org/rollouts' },
    secrets: options.secrets ?? {},
    matrix: options.matrix ?? {},
    runner: { temp },
    steps: {} as Record<string, { outputs: Record<string, string>; outcome: string }>,
  };
  const results: StepResult[] = [];
  let failed = false;

  for (const [i, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? `step ${i + 1}`;
    if (!condition(step.if, context, failed)) {
      results.push({ name, outcome: 'skipped', stdout: '', stderr: '' });
      if (step.id) context.steps[step.id] = { outputs: {}, outcome: 'skipped' };
      continue;
    }
    const withs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), context)]));
    let result: StepResult;
    const outputFile = join(root, `output-${i}`);
    writeFileSync(outputFile, '');
    if (step.uses) result = emulate(step.uses, withs, { ...options, workdir, name });
    else {
      const env: Record<string, string> = {
        ...cleanEnv(),
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: options.eventName,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: context.github.repository,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: join(root, 'summary.md'),
        RUNNER_TEMP: temp,
        NO_COLOR: '1',
        ...options.env,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), context)])),
      };
      result = await runScript(name, substitute(step.run!, context), workdir, env);
    }
    results.push(result);
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    if (step.id) context.steps[step.id] = { outputs, outcome: result.outcome };
    if (result.outcome === 'failure') failed = true;
  }
  return { workdir, steps: results, ok: !failed };
}

function emulate(uses: string, withs: Record<string, string>, run: JobRun & { workdir: string; name: string }): StepResult {
  const ok = (stdout = ''): StepResult => ({ name: run.name, outcome: 'success', stdout, stderr: '' });
  if (uses.startsWith('actions/checkout@')) {
    execFileSync('git', ['clone', '-q', run.origin, run.workdir]);
    if (withs.ref) execFileSync('git', ['checkout', '-q', withs.ref], { cwd: run.workdir });
    return ok();
  }
  if (uses.startsWith('actions/setup-node@') || uses.startsWith('actions/upload-artifact@')) return ok();
  if (uses.startsWith('actions/download-artifact@')) {
    const files = run.artifacts?.[withs.name];
    if (!files) return { name: run.name, outcome: 'failure', stdout: '', stderr: `no artifact ${withs.name}` };
    mkdirSync(withs.path, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(withs.path, file), content);
    return ok();
  }
  throw new Error(`the workflow runner cannot emulate ${uses}`);
}

function runScript(name: string, script: string, cwd: string, env: Record<string, string>): Promise<StepResult> {
  // `npm ci` would download base's lock file again: link the same packages instead.
  const lines = script.split('\n').map((l) => (/^\s*npm ci\b/.test(l) ? `[ -e node_modules ] || ln -s ${JSON.stringify(join(ROOT, 'node_modules'))} node_modules` : l));
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', lines.join('\n')], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ name, outcome: code === 0 ? 'success' : 'failure', code: code ?? -1, stdout, stderr });
    });
  });
}

/** The environment a runner starts with: no GitHub or rollgate variables of the test process. */
function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(GITHUB_|ROLLGATE_|CI$)/.test(k)) out[k] = v;
  return out;
}

type Context = Record<string, unknown>;

/** `${{ a || b || 'x' }}` in a string. */
export function substitute(text: string, context: Context): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => String(evaluate(expr, context) ?? ''));
}

function evaluate(expr: string, context: Context): unknown {
  for (const part of expr.split('||').map((p) => p.trim())) {
    const value = operand(part, context);
    if (value) return value;
  }
  return '';
}

function operand(text: string, context: Context): unknown {
  const literal = /^'(.*)'$/.exec(text);
  if (literal) return literal[1];
  if (!/^[a-z_][\w.-]*$/i.test(text)) throw new Error(`the workflow runner cannot evaluate "${text}"`);
  let value: unknown = context;
  for (const key of text.split('.')) value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** `if:` with `always()`, `==`, `&&` and paths; no `if` means success(). */
function condition(expr: string | undefined, context: Context, failed: boolean): boolean {
  if (expr === undefined) return !failed;
  const terms = expr.split('&&').map((t) => t.trim());
  const always = terms.includes('always()');
  if (!always && failed) return false;
  return terms
    .filter((t) => t !== 'always()')
    .every((t) => {
      const eq = /^(.+?)\s*==\s*(.+)$/.exec(t);
      return eq ? operand(eq[1].trim(), context) === operand(eq[2].trim(), context) : Boolean(operand(t, context));
    });
}


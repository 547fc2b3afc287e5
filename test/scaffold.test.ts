import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageJson } from '../scripts/scaffold/init.ts';
import { installSource } from '../scripts/scaffold/package-root.ts';
import { ROOT, rollgate } from './helpers/cli.ts';

/** An empty git repository on main, in a temp folder. */
function emptyRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-init-'));
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  return dir;
}

/** Every file under `dir` but .git, path → text. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (name === '.git') continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const validate = (dir: string) => {
  const r = rollgate(['validate', '--format', 'json'], { cwd: dir });
  return { code: r.code, out: JSON.parse(r.stdout) as { ok: boolean; files: number; diagnostics: { code: string; severity: string; file: string }[] } };
};

const INIT_FILES = [
  'rollout/environments.yaml',
  'rollout/metrics.yaml',
  'alerts/channels.yaml',
  'rollout/example-feature.yaml',
  'alerts/example-feature.yaml',
  'alerts/tests/example-feature.yaml',
  '.github/CODEOWNERS',
  '.github/workflows/sync.yml',
  '.github/workflows/validate.yml',
  '.github/workflows/gate.yml',
  'package.json',
  '.gitignore',
];

describe('rollgate init', () => {
  // One repository for the tests that only read what init made.
  let made: { dir: string; out: ReturnType<typeof rollgate> } | undefined;
  const initialised = () => {
    if (made) return made;
    const dir = emptyRepo();
    return (made = { dir, out: rollgate(['init'], { cwd: dir }) });
  };

  it('makes a repository that validates without a warning, whose alert tests pass, and lists what it wrote', () => {
    const { dir, out: r } = initialised();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of INIT_FILES) {
      expect(existsSync(join(dir, f)), f).toBe(true);
      expect(r.stdout).toContain(`created ${f}`);
    }
    const v = validate(dir);
    expect(v.out.diagnostics).toEqual([]);
    expect(v.code).toBe(0);
    expect(v.out.files).toBe(5);

    const tests = rollgate(['alerts', 'test'], { cwd: dir });
    expect(tests.stdout).toContain('1 of 1 alert test files passed');
    expect(tests.code).toBe(0);
    // The example's test really makes its alerts fire, with the exported labels in full.
    const test = parse(readFileSync(join(dir, 'alerts/tests/example-feature.yaml'), 'utf8'));
    expect(test.tests.filter((t: { alert_rule_test: { exp_alerts: unknown[] }[] }) => t.alert_rule_test[0].exp_alerts.length > 0)).toHaveLength(2);
    const exported = rollgate(['alerts', 'export', '--check'], { cwd: dir });
    expect(exported.stdout).toContain('promtool check rules: ok');
    expect(exported.code).toBe(0);
  });

  it('every config file starts with the $schema line, pointing into the installed rollgate', () => {
    const { dir, out } = initialised();
    expect(out.code).toBe(0);
    const schemas: Record<string, string> = {
      'rollout/environments.yaml': 'environments',
      'rollout/metrics.yaml': 'metrics',
      'rollout/example-feature.yaml': 'rollout',
      'alerts/channels.yaml': 'channels',
      'alerts/example-feature.yaml': 'alert-rules',
    };
    for (const [file, kind] of Object.entries(schemas)) {
      expect(readFileSync(join(dir, file), 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=../node_modules/rollgate/schemas/${kind}.schema.json`);
      expect(existsSync(join(ROOT, 'schemas', `${kind}.schema.json`))).toBe(true);
    }
  });

  it("copies rollgate's own workflows; validate.yml without the steps that test rollgate itself", () => {
    const { dir, out } = initialised();
    expect(out.code).toBe(0);
    const own = readdirSync(join(ROOT, '.github', 'workflows')).filter((f) => f.endsWith('.yml')).sort();
    expect(readdirSync(join(dir, '.github', 'workflows')).sort()).toEqual(own);
    for (const f of own.filter((x) => x !== 'validate.yml')) expect(readFileSync(join(dir, '.github/workflows', f), 'utf8'), f).toBe(readFileSync(join(ROOT, '.github/workflows', f), 'utf8'));
    const validateYml = parse(readFileSync(join(dir, '.github/workflows/validate.yml'), 'utf8'));
    const runs = validateYml.jobs.validate.steps.map((s: { run?: string }) => s.run).filter(Boolean) as string[];
    expect(runs).toContain('npx rollgate validate --');
    expect(runs).toContain('npx rollgate alerts -- test');
    expect(runs.filter((x) => /^npm (test|run)/.test(x))).toEqual([]);
    expect(runs.find((x) => x.includes('apt-get install'))).toMatch(/install -y -qq prometheus prometheus-alertmanager$/);
  });

  it('refuses a second run: lists the files that exist, exit 1, changes nothing', () => {
    const dir = emptyRepo();
    expect(rollgate(['init'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'rollout/environments.yaml'), '# mine\n' + readFileSync(join(dir, 'rollout/environments.yaml'), 'utf8'));
    const before = snapshot(dir);
    const again = rollgate(['init'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('scaffold/exists');
    expect(again.stderr).toContain('rollout/environments.yaml');
    expect(again.stderr).toContain('alerts/tests/example-feature.yaml');
    expect(again.stderr).toContain('--force');
    expect(snapshot(dir)).toEqual(before);
  });

  it('all or none: one file in the way and nothing else is written', () => {
    const dir = emptyRepo();
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github/CODEOWNERS'), '* @someone\n');
    const r = rollgate(['init', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('.github/CODEOWNERS');
    expect([...snapshot(dir).keys()]).toEqual(['.github/CODEOWNERS']);
  });

  it('--force overwrites its own files, never package.json', () => {
    const dir = emptyRepo();
    writeFileSync(join(dir, 'package.json'), '{"name":"app","private":true}\n');
    expect(rollgate(['init'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'rollout/metrics.yaml'), 'broken: [\n');
    const r = rollgate(['init', '--force'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kept    package.json');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"name":"app","private":true}\n');
    expect(validate(dir).code).toBe(0);
  });

  it('writes a package.json when there is none; rollgate from a pinned git URL, never a bare registry name', () => {
    const { dir, out: r } = initialised();
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.scripts.validate).toBe('rollgate validate');
    // This checkout has no remote to install rollgate from: package.json names none, and init says what to do.
    expect(pkg.devDependencies).toBeUndefined();
    expect(r.stdout).toContain('npm install -D <rollgate: a git URL pinned to a commit>');
    const pinned = JSON.parse(packageJson('/tmp/My Rollouts', 'git+https://example.com/org/rollgate.git#0123456789abcdef0123456789abcdef01234567').text);
    expect(pinned).toMatchObject({ name: 'my-rollouts', devDependencies: { rollgate: 'git+https://example.com/org/rollgate.git#0123456789abcdef0123456789abcdef01234567' } });
  });

  it('the source of a rollgate checkout with a remote: its URL pinned to the commit it runs', () => {
    const root = emptyRepo();
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.name=a', '-c', 'user.email=a@example.com', ...args], { encoding: 'utf8' }).trim();
    git('commit', '-q', '--allow-empty', '-m', 'rollgate');
    const sha = git('rev-parse', 'HEAD');
    expect(installSource(root)).toBeUndefined(); // no remote
    git('remote', 'add', 'origin', 'git@github.com:org/rollgate.git');
    expect(installSource(root)).toBe(`git+ssh://git@github.com/org/rollgate.git#${sha}`);
    git('remote', 'set-url', 'origin', 'https://github.com/org/rollgate.git');
    expect(installSource(root)).toBe(`git+https://github.com/org/rollgate.git#${sha}`);
    git('remote', 'set-url', 'origin', '/srv/git/rollgate.git');
    expect(installSource(root)).toBeUndefined(); // a path on this machine reaches no CI runner
  });
});

describe('rollgate new rollout', () => {
  const initialised = () => {
    const dir = emptyRepo();
    expect(rollgate(['init'], { cwd: dir }).code).toBe(0);
    return dir;
  };
  // One repository for the refusals: each test checks that it is left as it was.
  let shared: string | undefined;
  const refusing = () => (shared ??= initialised());

  it('writes the rollout, its alerts and their test; all validate and the tests pass', () => {
    const dir = initialised();
    const r = rollgate(['new', 'rollout', 'checkout-v2', '--stages', '0,1,5,25,100'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['rollout/checkout-v2.yaml', 'alerts/checkout-v2.yaml', 'alerts/tests/checkout-v2.yaml']) expect(r.stdout).toContain(`created ${f}`);
    const text = readFileSync(join(dir, 'rollout/checkout-v2.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/rollgate/schemas/rollout.schema.json');
    const doc = parse(text);
    expect(doc.spec.stages.map((s: { name: string; percentage: number }) => [s.name, s.percentage])).toEqual([
      ['off', 0],
      ['canary', 1],
      ['ramp-5', 5],
      ['ramp-25', 25],
      ['full', 100],
    ]);
    expect(doc.spec.environments).toEqual({ staging: { stage: 'off' }, production: { stage: 'off' } });
    expect(Object.keys(doc.spec.gates)).toEqual(['canary', 'ramp-5', 'ramp-25', 'full']);
    expect(doc.spec.gates.canary.mustPass.map((c: { metric: string }) => c.metric)).toEqual(['error_rate', 'latency_p95_ms']);
    const v = validate(dir);
    expect(v.out.diagnostics).toEqual([]);
    expect(v.code).toBe(0);
    const tests = rollgate(['alerts', 'test'], { cwd: dir });
    expect(tests.stdout).toContain('2 of 2 alert test files passed');
    expect(tests.code).toBe(0);
  });

  it('--env and --flag: only that environment, that key', () => {
    const dir = initialised();
    const r = rollgate(['new', 'rollout', 'search', '--stages', '0,50,100', '--env', 'staging', '--flag', 'search.ranking-v2'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = parse(readFileSync(join(dir, 'rollout/search.yaml'), 'utf8'));
    expect(doc.spec.flag).toBe('search.ranking-v2');
    expect(doc.spec.environments).toEqual({ staging: { stage: 'off' } });
    expect(validate(dir).code).toBe(0);
    expect(rollgate(['alerts', 'test'], { cwd: dir }).code).toBe(0);
  });

  it("in this repository's own config (another catalog, other channels): the new files validate without a diagnostic", () => {
    const dir = emptyRepo();
    for (const d of ['rollout', 'alerts', 'schemas']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
    const r = rollgate(['new', 'rollout', 'checkout-v3', '--stages', '0,10,50,100'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'rollout/checkout-v3.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/rollout.schema.json');
    const v = validate(dir);
    expect(v.code).toBe(0);
    expect(v.out.diagnostics.filter((d) => d.file.includes('checkout-v3'))).toEqual([]);
    expect(rollgate(['alerts', 'test'], { cwd: dir }).code).toBe(0);
  });

  it('a catalog without an error or latency metric: a manual check in each gate and a placeholder alert, still valid', () => {
    const dir = emptyRepo();
    const templates = join(ROOT, 'scripts', 'scaffold', 'templates');
    mkdirSync(join(dir, 'rollout'));
    mkdirSync(join(dir, 'alerts'));
    cpSync(join(templates, 'rollout', 'environments.yaml'), join(dir, 'rollout', 'environments.yaml'));
    cpSync(join(templates, 'alerts', 'channels.yaml'), join(dir, 'alerts', 'channels.yaml'));
    const metrics = readFileSync(join(templates, 'rollout', 'metrics.yaml'), 'utf8');
    writeFileSync(join(dir, 'rollout', 'metrics.yaml'), metrics.slice(0, metrics.indexOf('    error_rate:')) + '    queue_depth:\n      unit: count\n      query: max(queue_depth{env="{{env}}"})\n');
    const r = rollgate(['new', 'rollout', 'batch-jobs', '--stages', '0,25,100'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = parse(readFileSync(join(dir, 'rollout/batch-jobs.yaml'), 'utf8'));
    expect(doc.spec.gates.full).toMatchObject({ mustPass: [{ check: expect.stringContaining('batch-jobs') }] });
    expect(doc.spec.rollback).toBeUndefined();
    const alerts = parse(readFileSync(join(dir, 'alerts/batch-jobs.yaml'), 'utf8'));
    expect(alerts.spec.rules.map((x: { name: string }) => x.name)).toEqual(['batch_jobs_placeholder']);
    const v = validate(dir);
    expect(v.out.diagnostics).toEqual([]);
    expect(rollgate(['alerts', 'test'], { cwd: dir }).code).toBe(0);
  });

  it.each(['Checkout', 'checkout_v2', '-checkout', 'checkout-', 'a'.repeat(64), 'constructor'])('NAME %j is refused with its code, exit 2, nothing written', (name) => {
    const dir = refusing();
    const before = snapshot(dir);
    // After "--", as workflows pass names: a NAME starting with "-" reaches the name check.
    const r = rollgate(['new', 'rollout', '--', name], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scaffold/invalid-name');
    expect(r.stderr).toContain('hint: a rollout name is kebab-case');
    expect(snapshot(dir)).toEqual(before);
  });

  it.each([
    ['0,50,10', 'does not increase'],
    ['0,150', 'is not a percentage'],
    ['100', 'at least two stages'],
    ['0,,100', 'is not a percentage'],
  ])('--stages %s is refused: %s', (stages, message) => {
    const dir = refusing();
    const r = rollgate(['new', 'rollout', 'checkout-v2', '--stages', stages], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scaffold/invalid-stages');
    expect(r.stderr).toContain(message);
    expect(existsSync(join(dir, 'rollout/checkout-v2.yaml'))).toBe(false);
  });

  it('an existing rollout is refused, exit 1, its files untouched', () => {
    const dir = refusing();
    const before = snapshot(dir);
    const r = rollgate(['new', 'rollout', 'example-feature'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('scaffold/exists');
    expect(r.stderr).toContain('rollout/example-feature.yaml');
    expect(snapshot(dir)).toEqual(before);
  });

  it('a file of that name in the way is refused too', () => {
    const dir = initialised();
    writeFileSync(join(dir, 'alerts/tests/checkout-v2.yaml'), '# someone else\n');
    const r = rollgate(['new', 'rollout', 'checkout-v2'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('alerts/tests/checkout-v2.yaml exists');
    expect(existsSync(join(dir, 'rollout/checkout-v2.yaml'))).toBe(false);
  });

  it('an unknown environment and a taken flag are refused with their codes', () => {
    const dir = refusing();
    const before = snapshot(dir);
    const env = rollgate(['new', 'rollout', 'checkout-v2', '--env', 'qa'], { cwd: dir });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('scaffold/unknown-environment');
    expect(env.stderr).toContain('staging, production');
    const flag = rollgate(['new', 'rollout', 'checkout-v2', '--flag', 'example-feature'], { cwd: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('scaffold/flag-taken');
    expect(snapshot(dir)).toEqual(before);
  });

  it('needs the word rollout and a NAME', () => {
    expect(rollgate(['new', 'checkout-v2'], { cwd: ROOT }).stderr).toContain('rollgate new rollout NAME');
    expect(rollgate(['new', 'rollout'], { cwd: ROOT }).code).toBe(2);
  });
});

describe('completion of the scaffolding verbs', () => {
  it('bash completes rollgate new r to rollout, and the options of init and new', () => {
    const script = rollgate(['completion', 'bash']).stdout;
    const complete = (...typed: string[]) => {
      const words = ['rollgate', ...typed];
      const run = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _rollgate; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return execFileSync('bash', ['-c', run], { encoding: 'utf8' }).split('\n').filter(Boolean);
    };
    expect(complete('new', 'r')).toEqual(['rollout']);
    expect(complete('new', 'rollout', 'x', '--st')).toEqual(['--stages']);
    expect(complete('init', '--fo')).toEqual(['--force', '--format']);
    expect(complete('sync', '--lo')).toEqual(['--local']);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';
import { provisionPlan, UNLEASH_COMMANDS, type Machine } from './helpers/servers.ts';

const ALL = ['postgresql', 'prometheus', 'prometheus-alertmanager', 'unleash-server'] as const;
const machine = (m: Partial<Machine>): Machine => ({ missing: [], root: true, debian: true, ...m });

describe('what npm test installs before the tests (test/global-setup.ts)', () => {
  it.each([
    ['nothing missing: nothing to do', machine({}), { ok: true, apt: [], unleash: false, commands: [] }],
    ['everything missing, root on Debian: apt, then npm', machine({ missing: [...ALL] }), {
      ok: true,
      apt: ['postgresql', 'prometheus', 'prometheus-alertmanager'],
      unleash: true,
      commands: ['apt-get update', 'apt-get install -y postgresql prometheus prometheus-alertmanager', ...UNLEASH_COMMANDS],
    }],
    ['only Prometheus missing: only its package', machine({ missing: ['prometheus'] }), { ok: true, apt: ['prometheus'], unleash: false, commands: ['apt-get update', 'apt-get install -y prometheus'] }],
    ['only unleash-server missing, not root, not Debian: npm needs neither', machine({ missing: ['unleash-server'], root: false, debian: false }), { ok: true, apt: [], unleash: true, commands: UNLEASH_COMMANDS }],
  ] as const)('%s', (_, m, expected) => {
    expect(provisionPlan(m)).toEqual(expected);
  });

  it('not root on Debian: fails with the exact sudo command, and installs nothing', () => {
    const plan = provisionPlan(machine({ missing: ['postgresql', 'prometheus-alertmanager', 'unleash-server'], root: false }));
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.message).toContain('sudo apt-get update && sudo apt-get install -y postgresql prometheus-alertmanager\n');
    expect(plan.message).toContain('installing Debian packages needs root');
    expect(plan.message).toContain('npm test installs unleash-server under build/servers itself');
  });

  it('not Debian: fails naming the binaries it looks for and the Debian command', () => {
    const plan = provisionPlan(machine({ missing: ['prometheus'], debian: false }));
    expect(plan).toEqual({ ok: false, message: expect.stringContaining('/usr/bin/prometheus and /usr/bin/promtool') });
    if (!plan.ok) expect(plan.message).toContain('not Debian');
    if (!plan.ok) expect(plan.message).toContain('sudo apt-get install -y prometheus\n');
  });

  it('is the global setup of the test config', () => {
    expect(readFileSync(join(ROOT, 'test', 'vitest.config.ts'), 'utf8')).toContain("globalSetup: ['test/global-setup.ts']");
  });
});

describe('no test skips', () => {
  const files = readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('fixtures'));
  const skip = /\.(skip|todo|skipIf|runIf)\(|ctx\.skip\(/;

  it.each(files)('%s', (file) => {
    const lines = readFileSync(join(ROOT, 'test', file), 'utf8').split('\n');
    expect(lines.filter((l) => skip.test(l))).toEqual([]);
  });
});

describe('one test command everywhere', () => {
  it('.ci/run and validate.yml run npm test, and the README says it needs nothing else', () => {
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
    expect(readFileSync(join(ROOT, '.github', 'workflows', 'validate.yml'), 'utf8')).toMatch(/^\s+- run: npm test$/m);
    const first = readFileSync(join(ROOT, 'README.md'), 'utf8').split('```')[1];
    expect(first).toMatch(/^npm ci && npm test\b/m);
    expect(first).not.toContain('.ci/run');
  });
});

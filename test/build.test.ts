import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRepository } from './bench/generate.ts';
import { ROOT, tempRepo } from './helpers/cli.ts';

// A copy of the tool (scripts/, package.json, node_modules linked) of its own, so building,
// removing and staling its build never touches the build other tests may be using.
const tool = mkdtempSync(join(tmpdir(), 'rollgate-tool-'));
cpSync(join(ROOT, 'scripts'), join(tool, 'scripts'), { recursive: true });
cpSync(join(ROOT, 'package.json'), join(tool, 'package.json'));
symlinkSync(join(ROOT, 'node_modules'), join(tool, 'node_modules'), 'dir');
const BUILT = join(tool, 'build', 'cli', 'rollgate.js');
const MARK = 'ran the build';

const bin = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [join(tool, 'scripts', 'bin', 'rollgate.js'), ...args], { cwd: tool, env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const build = () => spawnSync(process.execPath, [join(tool, 'scripts', 'bin', 'build.js')], { cwd: tool, encoding: 'utf8', timeout: 120_000 });
/** Marks the built entry, so a run shows whether it was the build that ran. */
const mark = () => appendFileSync(BUILT, `\nprocess.stderr.write(${JSON.stringify(MARK)});\n`);

afterAll(() => rmSync(tool, { recursive: true, force: true }));

describe('the CLI built ahead of time, and the sources without it', () => {
  // 200 rollouts and 200 alert files: over the threshold, so the check worker runs too.
  const repo = tempRepo();
  generateRepository(repo, 200, 400);
  writeFileSync(join(repo, 'rollout', 'bench-rollout-9.yaml'), 'apiVersion: rollgate/v1\nkind: Rollout\nmetadata: {name: bench-rollout-9}\nspec:\n  flag: [x\n');
  const validate = (env: Record<string, string> = {}) => bin(['validate', '--dir', repo, '--format', 'json', '--no-cache'], { ROLLGATE_THREADS: '2', ...env });
  let fromSources: ReturnType<typeof bin>;

  it('runs from the TypeScript sources when there is no build (npm ci --ignore-scripts)', () => {
    expect(existsSync(join(tool, 'build'))).toBe(false);
    const help = bin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: rollgate VERB');
    fromSources = validate();
    expect(fromSources.code).toBe(1);
    expect(fromSources.stderr).toBe('');
    expect(JSON.parse(fromSources.stdout).diagnostics.map((d: { file: string; code: string }) => `${d.file} ${d.code}`)).toContain('rollout/bench-rollout-9.yaml yaml/syntax');
  });

  it('runs the build when it was built from these sources, worker included, with the same result', () => {
    const b = build();
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    expect(existsSync(join(tool, 'build', 'cli', 'check-worker.js'))).toBe(true);
    mark();
    const help = bin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe(MARK);
    const built = validate();
    expect(built.stderr).toBe(MARK);
    expect(built.code).toBe(1);
    expect(JSON.parse(built.stdout)).toEqual(JSON.parse(fromSources.stdout));
    expect(bin(['--help'], { ROLLGATE_FROM_SOURCES: '1' }).stderr).toBe(''); // forced onto the sources
  });

  it('never runs a stale build: an edited, added or removed source file sends it back to the sources', () => {
    appendFileSync(join(tool, 'scripts', 'rollgate.ts'), '\n// edited after the build\n');
    expect(bin(['--help'])).toMatchObject({ code: 0, stderr: '' });
    expect(build().status).toBe(0);
    mark();
    expect(bin(['--help']).stderr).toBe(MARK);
    writeFileSync(join(tool, 'scripts', 'added.ts'), 'export {};\n');
    expect(bin(['--help']).stderr).toBe('');
    rmSync(join(tool, 'scripts', 'added.ts'));
    expect(build().status).toBe(0);
    mark();
    rmSync(join(tool, 'scripts', 'report', 'json.ts'));
    expect(bin(['--help']).stderr).not.toBe(MARK);
  });

  it('is git-ignored', () => {
    const r = spawnSync('git', ['check-ignore', '-q', 'build/cli/rollgate.js'], { cwd: ROOT });
    expect(r.status).toBe(0);
  });
});

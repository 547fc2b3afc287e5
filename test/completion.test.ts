import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { optionsOf } from '../scripts/commands/completion.ts';
import { rollgate } from './helpers/cli.ts';

const verbs = [...rollgate(['--help']).stdout.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]);
const scripts = Object.fromEntries(['bash', 'zsh', 'fish'].map((shell) => [shell, rollgate(['completion', shell])]));

/** What bash completes for the words typed so far (the last one being completed). */
function complete(...typed: string[]): string[] {
  const words = ['rollgate', ...typed];
  const script = `${scripts.bash.stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _rollgate; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('rollgate completion', () => {
  it.each(['bash', 'zsh', 'fish'])('%s: a script naming every verb, exit 0', (shell) => {
    expect(scripts[shell].code).toBe(0);
    for (const verb of verbs) expect(scripts[shell].stdout).toContain(verb);
  });

  it('bash: the script parses', () => {
    expect(spawnSync('bash', ['-n'], { input: scripts.bash.stdout, encoding: 'utf8' }).status).toBe(0);
  });

  it.each([
    [['val'], ['validate']],
    [['--v'], ['--version']],
    [['validate', '--ma'], ['--max-warnings']],
    [['advance', 'checkout', '--f'], ['--force']],
    [['alerts', 'e'], ['export']],
    [['explain', 'gate/unknown-m'], ['gate/unknown-metric']],
    [['completion', 'f'], ['fish']],
  ])('bash completes rollgate %j to %j', (typed, expected) => {
    expect(complete(...typed)).toEqual(expected);
  });

  it('zsh and fish register the function and complete options per verb', () => {
    expect(scripts.zsh.stdout).toMatch(/^#compdef rollgate\n/);
    expect(scripts.zsh.stdout).toContain('compdef _rollgate rollgate');
    expect(scripts.zsh.stdout).toMatch(/^ {4}validate\) opts=\(.*--max-warnings.*\)/m);
    expect(scripts.fish.stdout).toContain("complete -c rollgate -n '__fish_seen_subcommand_from advance' -l force");
  });

  it('an unknown shell is a usage error', () => {
    const r = rollgate(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give one shell: bash, zsh, fish');
  });

  it("reads options off a verb's usage", () => {
    expect(optionsOf('rollgate x [--env E] [--dry-run]\n  --to-be  a thing; not--this')).toEqual(['--dry-run', '--env', '--help', '--to-be']);
  });
});

import type { Repo } from './git.ts';

/** A Rollout file's text: stages canary 10 / staged 50 / full 100, at `stages` per environment (an environment left out has no entry). */
export function rolloutFile(name: string, flag: string, stages: Record<string, 'canary' | 'staged' | 'full'>): string {
  const envs = Object.entries(stages).map(([env, stage]) => `    ${env}:\n      stage: ${stage}\n`);
  return `# yaml-language-server: $schema=../schemas/rollout.schema.json
apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: ${name}
spec:
  flag: ${flag}
  stickiness: userId
  stages:
    - { name: canary, percentage: 10, bake: 24h }
    - { name: staged, percentage: 50, bake: 48h }
    - { name: full, percentage: 100 }
  environments:
${envs.join('')}`;
}

/** Commits everything changed under rollout/ (added, edited, removed) and pushes it. Returns the SHA. */
export function commitRollouts(repo: Repo, message: string): string {
  repo.git('add', '-A', 'rollout');
  repo.git('commit', '-q', '-m', message);
  repo.git('push', '-q', 'origin', 'main');
  return repo.head();
}

/** `git revert` of `sha`, pushed: the rollback a user makes. */
export function revertAndPush(repo: Repo, sha: string): string {
  repo.git('revert', '--no-edit', sha);
  repo.git('push', '-q', 'origin', 'main');
  return repo.head();
}

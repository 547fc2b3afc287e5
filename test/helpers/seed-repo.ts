import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.ts';
import { repoFrom, type Repo } from './git.ts';

/** A git repository (bare origin + clone) holding this repository's own config: the four seed rollouts. */
export function seedRepo(date?: string): Repo {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-seed-'));
  for (const d of ['rollout', 'alerts', 'schemas']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  return repoFrom(dir, date);
}

import type { LocalRollback } from '../rollback/execute.ts';
import { rollgateCommand, shellWord } from './command-line.ts';

/**
 * What `rollback --no-push` made and did not send: the commit, what a push would send, and
 * the commands that finish it (with --dir, git runs in that repository too).
 */
export function renderLocalRollback(r: LocalRollback, how: { emergency: boolean; mainBranch: string; dir?: string }): string {
  const short = (sha: string) => sha.slice(0, 7);
  const git = ['git', ...(how.dir !== undefined ? ['-C', how.dir] : [])].map(shellWord).join(' ');
  const dir = how.dir !== undefined ? ['--dir', how.dir] : [];
  const lines = [r.plan.summary];
  if (how.emergency) {
    lines.push(`committed ${short(r.commit)} on ${r.branch} here, not pushed; ${r.plan.env} not synced${r.plan.reverts ? ` (it reverts ${short(r.plan.reverts.sha)})` : ''}`);
    lines.push(`would push: ${r.branch} ${short(r.base)}..${short(r.commit)} to origin, then sync ${r.plan.env}`);
    lines.push(`next: ${git} push origin ${shellWord(r.branch)} && ${rollgateCommand('sync', ['--env', r.plan.env, ...dir])}`);
  } else {
    lines.push(`branch ${r.branch} at ${short(r.commit)} (off origin/${how.mainBranch} ${short(r.base)}), not pushed`);
    lines.push(`would push: ${r.branch} to origin and open a PR of it into ${how.mainBranch}, labelled rollback`);
    lines.push(`next: ${git} push --force-with-lease origin ${shellWord(r.branch)}, then open its PR into ${how.mainBranch} (or run this again without --no-push to do both)`);
  }
  return lines.join('\n') + '\n';
}

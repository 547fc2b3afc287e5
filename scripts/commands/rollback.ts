import { gitAt } from '../git/simple-git.ts';
import { gitHubFromEnv } from '../github/from-env.ts';
import { renderSyncText } from '../report/sync.ts';
import { renderLocalRollback } from '../report/rollback.ts';
import { emergencyRollback, emergencyRollbackLocal, rollbackBranchLocal, rollbackPullRequest } from '../rollback/execute.ts';
import { RollbackRefused } from '../rollback/plan.ts';
import { openStore } from '../stores/open-store.ts';
import { environmentsSpec, type Io, loadValidConfig, parse, repoDir, rolloutArg, UsageError } from './common.ts';
import { targetEnv } from './default-env.ts';

export const usage = `rollgate rollback ROLLOUT [--env E] [--to STAGE] [--reason TEXT] [--emergency] [--no-push] [--yes] [--dir PATH]

Rolls ROLLOUT back in E (--env may be left out only when the rollout is in one environment;
in several it names each and asks): by default it undoes the advance that put E in its
current stage (the commit says which one it reverts); --to sets an earlier stage. Never
moves a rollout up. Asks first on a terminal unless --yes.
  --emergency  commit straight to main, push (fetch, redo and retry when main moved on),
               and sync that environment at once
  otherwise    push a branch and open a PR labelled rollback (GITHUB_REPOSITORY, GITHUB_TOKEN)
  --no-push    make the commit here only (the PR's branch, or with --emergency on main),
               print what would be pushed and the commands that finish it; no GitHub needed
Replaces the runbooks' emergency_rollback.sh and set_feature_flag.py. Exit 0 done, 1 refused
or the sync failed, 2 usage or infrastructure error.

Examples:
  rollgate rollback checkout-v2 --env production --reason "checkout errors up 3x"
  rollgate rollback checkout-v2 --env production --to shadow --emergency --yes
  rollgate rollback checkout-v2 --env production --no-push`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { env: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string' }, emergency: { type: 'boolean' }, 'no-push': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } }, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (positionals.length !== 1) throw new UsageError('give exactly one ROLLOUT'); // before loading anything
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const rollout = rolloutArg(model, positionals);
  const env = targetEnv(model, rollout, values.env, { verb: 'rollback', argv });
  const spec = environmentsSpec(model);
  const reason = values.reason ?? `manual rollback by ${io.env.GITHUB_ACTOR ?? io.env.USER ?? 'an operator'}`;
  const git = gitAt(dir);
  const deps = { dir, git, mainBranch: spec.mainBranch, path: rollout.file.path, openStore: (e: string) => openStore(dir, spec.environments[e].store, io.env) };
  const request = { rollout: positionals[0], env, ...(values.to ? { to: values.to } : {}), reason };

  if (!values.yes) {
    if (!io.isTTY || !io.ask) throw new UsageError('not a terminal: confirm with --yes');
    const how = values['no-push'] ? ` (${values.emergency ? 'on main' : 'a branch'} here, not pushed)` : values.emergency ? ' on main, now' : ' (a PR)';
    const answer = await io.ask(`Roll back ${positionals[0]} in ${env}${values.to ? ` to ${values.to}` : ''}${how}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) {
      io.stderr('not rolled back\n');
      return 1;
    }
  }
  try {
    if (values['no-push']) {
      const r = values.emergency ? await emergencyRollbackLocal(deps, request) : await rollbackBranchLocal(deps, request);
      io.stdout(renderLocalRollback(r, { emergency: Boolean(values.emergency), mainBranch: spec.mainBranch, dir: values.dir }));
      return 0;
    }
    if (values.emergency) {
      const r = await emergencyRollback(deps, request);
      io.stdout(`${r.plan.summary}\ncommitted ${r.commit.slice(0, 7)} on ${spec.mainBranch}${r.attempts > 1 ? ` (after ${r.attempts} pushes: main moved on meanwhile)` : ''}${r.plan.reverts ? `, reverting ${r.plan.reverts.sha.slice(0, 7)}` : ''}\n`);
      io.stdout(renderSyncText([r.sync], 'apply'));
      return r.sync.status === 'applied' ? 0 : 1;
    }
    const r = await rollbackPullRequest(deps, gitHubFromEnv(io.env), request);
    io.stdout(`${r.plan.summary}\n${r.created ? 'opened' : 'updated'} PR #${r.number} ${r.url}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RollbackRefused) {
      io.stderr(`rollgate rollback: refused: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

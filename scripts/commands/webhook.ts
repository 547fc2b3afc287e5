import { gitAt } from '../git/simple-git.ts';
import { emergencyRollback } from '../rollback/execute.ts';
import { RollbackRefused } from '../rollback/plan.ts';
import { ALERT_KEY, trailerValues } from '../rollback/trailers.ts';
import { validateRepository } from '../rules/validate-repository.ts';
import { openStore } from '../stores/open-store.ts';
import { startWebhook } from '../webhook/server.ts';
import { environmentsSpec, loadValidConfig, parse, repoDir, UsageError, type Io } from './common.ts';

export const usage = `rollgate webhook [--port N] [--host H] [--token-env NAME] [--dir PATH]

Receives Alertmanager webhook payloads (POST, any path; GET /healthz) and rolls back in git:
a firing alert exported from a rule with onFire.rollback (labels rollgate_rollback="true",
rollout, env, rollback_to) becomes an emergency rollback — a commit on main, pushed, then a
sync of that environment. Needs the bearer token in \$ROLLGATE_WEBHOOK_TOKEN (or --token-env),
compared in constant time; 401 without it, 413 over 1 MiB, 400 on malformed JSON. Deduplicates
deliveries (across restarts too: each rollback commit carries the alert's Alert-Key trailer),
runs rollbacks one at a time, logs JSON lines. Alert text reaches the commit flattened to one
line. --dir is a checkout of main that can push. Defaults: 127.0.0.1, port 9095.

Examples:
  ROLLGATE_WEBHOOK_TOKEN="$(cat /run/secrets/rollgate-webhook)" rollgate webhook --dir /srv/rollouts
  rollgate webhook --host 0.0.0.0 --port 9095 --token-env ALERTMANAGER_TOKEN --dir /srv/rollouts`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string' }, host: { type: 'string' }, 'token-env': { type: 'string' } });
  if (values.help) return io.stdout(usage + '\n'), 0;
  const tokenEnv = values['token-env'] ?? 'ROLLGATE_WEBHOOK_TOKEN';
  const token = io.env[tokenEnv];
  if (!token) throw new UsageError(`$${tokenEnv} is not set: the webhook refuses to run without a bearer token`);
  const port = Number(values.port ?? 9095);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${values.port}"`);
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const spec = environmentsSpec(model);
  const git = gitAt(dir);
  const log = (entry: Record<string, unknown>) => io.stdout(JSON.stringify({ time: new Date(io.now()).toISOString(), ...entry }) + '\n');

  const server = await startWebhook({
    host: values.host ?? '127.0.0.1',
    port,
    token,
    log,
    now: io.now,
    async known(rollout, env) {
      const current = (await validateRepository(dir)).model;
      // Labels are untrusted: env "__proto__" or "constructor" must not find Object.prototype's.
      const environments = current.rolloutByName.get(rollout)?.doc.spec.environments;
      return Boolean(environments && Object.hasOwn(environments, env) && current.environmentNames.has(env));
    },
    async rollback(ask) {
      const current = (await validateRepository(dir)).model;
      const rollout = current.rolloutByName.get(ask.rollout)!;
      // The dedupe memory dies with the process; git does not. An alert Alertmanager re-sends
      // after a restart must not roll the rollout back a second stage.
      await git.fetch(spec.mainBranch);
      // Only the commit's own trailer block counts: text an alert put elsewhere in a message is no key.
      const done = (await git.log(rollout.file.path, `origin/${spec.mainBranch}`)).slice(0, 100).find((c) => trailerValues(`${c.subject}\n\n${c.body}`, ALERT_KEY).includes(ask.key));
      if (done) throw new RollbackRefused(`already rolled back for this alert by ${done.sha.slice(0, 7)}`);
      const r = await emergencyRollback(
        { dir, git, mainBranch: spec.mainBranch, path: rollout.file.path, openStore: (e) => openStore(dir, storeOf(spec.environments, e), io.env) },
        { rollout: ask.rollout, env: ask.env, ...(ask.to ? { to: ask.to } : {}), reason: ask.reason, trailers: ask.trailers },
      );
      return { from: r.plan.from, to: r.plan.to, commit: r.commit, pushes: r.attempts, sync: r.sync.status, writes: r.sync.writes };
    },
  });
  log({ level: 'info', msg: 'listening', url: server.url });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.idle();
  await server.close();
  log({ level: 'info', msg: 'stopped' });
  return 0;
}

/** An environment's store config; the name came from an alert, so only an own key will do. */
function storeOf<S>(environments: Record<string, { store: S }>, env: string): S {
  if (!Object.hasOwn(environments, env)) throw new RollbackRefused(`no environment "${env}" in environments.yaml`);
  return environments[env].store;
}

import type { ConfigModel, Located } from '../config/model.ts';
import type { RolloutDocument } from '../config/schema/index.ts';
import { rollgateCommand } from '../report/command-line.ts';
import { environmentsOf, UsageError } from './common.ts';

/**
 * The one default-environment rule of the CLI. With --env: that environment (it must exist).
 * Without it, a verb that evaluates or acts on one environment (gate, advance, assess,
 * rollback) takes the rollout's only environment, and refuses when the rollout is in several,
 * naming each with the command to run; verbs that read (status, history, watch, sync) cover
 * every environment. Never "the first" or "the last": adding an environment to a rollout must
 * not quietly change what a command does.
 */
export function targetEnv(model: ConfigModel, rollout: Located<RolloutDocument>, given: string | undefined, call: { verb: string; argv: string[] }): string {
  if (given !== undefined) return environmentsOf(model, given)[0];
  const name = rollout.doc.metadata.name;
  const envs = rolloutEnvironments(model, rollout);
  if (envs.length === 1) return envs[0];
  if (envs.length === 0) throw new UsageError(`${name} is in no environment yet: add one under spec.environments in ${rollout.file.path}`);
  const commands = envs.map((env) => `  ${rollgateCommand(call.verb, withEnv(call.argv, env))}`);
  throw new UsageError(`${name} is in ${envs.length} environments (${envs.join(', ')}): name one with --env\n${commands.join('\n')}`);
}

/** The environments `rollout` is in, in promotion order. */
export function rolloutEnvironments(model: ConfigModel, rollout: Located<RolloutDocument>): string[] {
  const order = model.environments[0]?.doc.spec.promotionOrder ?? [];
  const own = rollout.doc.spec.environments;
  return [...order.filter((e) => Object.hasOwn(own, e)), ...Object.keys(own).filter((e) => !order.includes(e))];
}

/** The arguments with `--env E` added where it stays an option: before a `--`, else at the end. */
function withEnv(argv: string[], env: string): string[] {
  const end = argv.indexOf('--');
  return end === -1 ? [...argv, '--env', env] : [...argv.slice(0, end), '--env', env, ...argv.slice(end)];
}

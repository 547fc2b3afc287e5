// The rollgate CLI: parse the verb, wire the real process, map errors to exit codes.
import { ConfigInvalid, InfrastructureError, UsageError, type Io } from './commands/common.ts';
import { HttpError } from './http/client.ts';
import { StoreError } from './stores/port.ts';

type Command = { run(argv: string[], io: Io): Promise<number>; usage: string };

/** Verbs load lazily so `validate` never pays for octokit or a store client. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: { summary: 'check every file under rollout/ and alerts/', load: () => import('./commands/validate.ts') },
  sync: { summary: 'converge the flag store to HEAD of main (--check: compare only)', load: () => import('./commands/sync.ts') },
  status: { summary: 'stage, percentage, since when, bake left, store value, drift', load: () => import('./commands/status.ts') },
  history: { summary: 'every stage change of a rollout, from git', load: () => import('./commands/history.ts') },
  plan: { summary: 'what HEAD changes against the base branch, and the PR policy verdict', load: () => import('./commands/plan.ts') },
  gate: { summary: 'evaluate the gate into the next stage: GO, NO-GO, CONDITIONAL, INCONCLUSIVE', load: () => import('./commands/gate.ts') },
};

const USAGE = `rollgate — feature-flag rollouts as code

usage: rollgate VERB [options]

${Object.entries(COMMANDS)
  .map(([verb, c]) => `  ${verb.padEnd(10)} ${c.summary}`)
  .join('\n')}

Every verb takes --dir PATH (default: the current directory) and --help.
Run "rollgate VERB --help" for a verb's options.`;

export async function main(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout(USAGE + '\n');
    return verb ? 0 : 2;
  }
  const entry = COMMANDS[verb];
  if (!entry) {
    io.stderr(`rollgate: unknown verb "${verb}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof ConfigInvalid) {
      io.stderr(`rollgate ${verb}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof StoreError || error instanceof HttpError) {
      io.stderr(`rollgate ${verb}: ${error instanceof StoreError ? 'flag store: ' : ''}${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      io.stderr(`rollgate ${verb}: ${error.message}\nRun "rollgate ${verb} --help" for usage.\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`rollgate ${verb}: ${error instanceof InfrastructureError ? '' : 'internal error: '}${message}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(error.stack + '\n');
    else if (!(error instanceof InfrastructureError)) io.stderr('Run again with --debug for details.\n');
    return 2;
  }
}

const io: Io = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
  now: () => Date.now(),
};
process.exitCode = await main(process.argv.slice(2), io);

// The rollgate CLI: parse the verb, wire the real process, map errors to exit codes.
import type { Io } from './commands/common.ts';

type Command = { run(argv: string[], io: Io): Promise<number>; usage: string };

/** Verbs load lazily so `validate` never pays for octokit or a store client. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: { summary: 'check every file under rollout/ and alerts/', load: () => import('./commands/validate.ts') },
  sync: { summary: 'converge the flag store to HEAD of main (--check: compare only)', load: () => import('./commands/sync.ts') },
  status: { summary: 'stage, percentage, since when, bake left, store value, drift', load: () => import('./commands/status.ts') },
  history: { summary: 'every stage change of a rollout, from git', load: () => import('./commands/history.ts') },
  plan: { summary: 'what HEAD changes against the base branch, and the PR policy verdict', load: () => import('./commands/plan.ts') },
  assess: { summary: 'read the rollback decision matrix against current metrics', load: () => import('./commands/assess.ts') },
  rollback: { summary: 'undo the last advance (or go to --to), as a PR or --emergency on main with a sync', load: () => import('./commands/rollback.ts') },
  alerts: { summary: 'export Prometheus rules and an Alertmanager config; run the alert unit tests', load: () => import('./commands/alerts.ts') },
  webhook: { summary: 'receive Alertmanager webhooks and roll back in git', load: () => import('./commands/webhook.ts') },
  watch: { summary: 'evaluate every rollback matrix now and act on it (rollback, PR, hold comment), once or on an interval', load: () => import('./commands/watch.ts') },
  advance: { summary: 'open the PR that advances a rollout one stage, with its gate report', load: () => import('./commands/advance.ts') },
  propose: { summary: 'the progression bot: open (or close) the advance PR of every step that is ready on main', load: () => import('./commands/propose.ts') },
  gate: { summary: 'evaluate the gate into the next stage: GO, NO-GO, CONDITIONAL, INCONCLUSIVE', load: () => import('./commands/gate.ts') },
  doctor: { summary: "check the GitHub settings rollgate's guarantees rest on (protection, CODEOWNERS, tokens)", load: () => import('./commands/doctor.ts') },
  explain: { summary: 'what a diagnostic code checks, with a bad example from the corpus', load: () => import('./commands/explain.ts') },
};

const USAGE = `rollgate — feature-flag rollouts as code

usage: rollgate VERB [options]

${Object.entries(COMMANDS)
  .map(([verb, c]) => `  ${verb.padEnd(10)} ${c.summary}`)
  .join('\n')}

Every verb takes --dir PATH (default: the repository around the current directory) and --help.
Run "rollgate VERB --help" for a verb's options and examples; "rollgate --version" for the version.`;

export async function main(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout(USAGE + '\n');
    return verb ? 0 : 2;
  }
  if (verb === '--version') {
    // A literal specifier: the built CLI carries package.json in its bundle.
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } });
    io.stdout(`rollgate ${pkg.version}\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb] : undefined;
  if (!entry) {
    const { didYouMean } = await import('./config/did-you-mean.ts');
    const near = didYouMean(verb, Object.keys(COMMANDS));
    io.stderr(`rollgate: unknown verb ${verb}; ${near ? `did you mean ${near}?` : `the verbs are ${Object.keys(COMMANDS).join(', ')}`}\nRun "rollgate --help" for the verbs.\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : String(error);
    if (name === 'ConfigInvalid') {
      io.stderr(`rollgate ${verb}: ${message}\n`);
      return 1;
    }
    if (name === 'UsageError') {
      io.stderr(`rollgate ${verb}: ${message}\nRun "rollgate ${verb} --help" for usage.\n`);
      return 2;
    }
    if (EXPECTED.has(name)) {
      io.stderr(`rollgate ${verb}: ${name === 'StoreError' || name === 'ApplyError' ? 'flag store: ' : ''}${message}\n`);
      if (debug && error instanceof Error && error.stack) io.stderr(error.stack + '\n');
      return 2;
    }
    io.stderr(`rollgate ${verb}: internal error: ${message}\n`);
    io.stderr(debug && error instanceof Error && error.stack ? error.stack + '\n' : 'Run again with --debug for details.\n');
    return 2;
  }
}

/** Errors that describe the world (a server, a file, the environment), not a bug: exit 2, no stack trace. */
const EXPECTED = new Set(['InfrastructureError', 'StoreError', 'ApplyError', 'HttpError', 'GitHubError', 'GitHubEnvError', 'MetricsProviderError', 'MetricsFileError', 'GateError', 'EditError']);

const io: Io = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
  now: () => Date.now(),
  async ask(question) {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};
process.exitCode = await main(process.argv.slice(2), io);

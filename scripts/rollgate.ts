// The rollgate CLI: parse the verb, wire the real process, map errors to exit codes.
import type { Io } from './commands/common.ts';
import { COMMANDS } from './commands/verbs.ts';

const USAGE = `rollgate — feature-flag rollouts as code

usage: rollgate VERB [options]

${Object.entries(COMMANDS)
  .map(([verb, c]) => `  ${verb.padEnd(11)} ${c.summary}`)
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

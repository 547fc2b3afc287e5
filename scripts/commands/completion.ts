import { allCodes } from '../rules/explain.ts';
import { parse, UsageError, type Io } from './common.ts';
import { COMMANDS } from './verbs.ts';

export const usage = `rollgate completion bash|zsh|fish

Prints a completion script for the shell: the verbs, each verb's options, the words some
verbs take (alerts export|test, explain CODE, completion SHELL), and file names otherwise.
It completes the command rollgate (npm install -g, or alias rollgate='npx rollgate').

Examples:
  rollgate completion bash > /etc/bash_completion.d/rollgate
  rollgate completion zsh > "\${fpath[1]}/_rollgate"
  rollgate completion fish > ~/.config/fish/completions/rollgate.fish`;

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** What completes after a verb: its options (read off its usage, so they never drift), and fixed words. */
export interface VerbCompletion {
  verb: string;
  summary: string;
  options: string[];
  words: string[];
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {}, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  if (positionals.length !== 1 || !SHELLS.includes(positionals[0] as Shell)) throw new UsageError(`give one shell: ${SHELLS.join(', ')}`);
  const verbs = await Promise.all(
    Object.entries(COMMANDS).map(async ([verb, c]) => ({ verb, summary: c.summary, options: optionsOf((await c.load()).usage), words: WORDS[verb]?.() ?? [] })),
  );
  io.stdout(RENDER[positionals[0] as Shell](verbs));
  return 0;
}

const WORDS: Record<string, () => string[]> = {
  alerts: () => ['export', 'test'],
  explain: () => allCodes().map((c) => c.code),
  completion: () => [...SHELLS],
  new: () => ['rollout'],
};

export function optionsOf(usageText: string): string[] {
  const named = [...usageText.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]);
  return [...new Set([...named, 'help'])].sort().map((o) => `--${o}`);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const RENDER: Record<Shell, (verbs: VerbCompletion[]) => string> = {
  bash: (verbs) => `# rollgate completion for bash: eval "$(rollgate completion bash)", or save it in /etc/bash_completion.d/
_rollgate() {
  local cur=\${COMP_WORDS[COMP_CWORD]} opts= words=
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quote([...verbs.map((v) => v.verb), '--help', '--version'].join(' '))} -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${verbs.map((v) => `    ${v.verb}) opts=${quote(v.options.join(' '))}; words=${quote(v.words.join(' '))} ;;`).join('\n')}
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ -n "$words" ]; then COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _rollgate rollgate
`,
  zsh: (verbs) => `#compdef rollgate
# rollgate completion for zsh: save as _rollgate in a folder of $fpath, or eval "$(rollgate completion zsh)"
_rollgate() {
  local -a verbs opts choices
  verbs=(${verbs.map((v) => quote(`${v.verb}:${v.summary.replace(/:/g, '\\:')}`)).join(' ')})
  if (( CURRENT == 2 )); then _describe verb verbs; return; fi
  case $words[2] in
${verbs.map((v) => `    ${v.verb}) opts=(${v.options.join(' ')}); choices=(${v.words.map(quote).join(' ')}) ;;`).join('\n')}
  esac
  if [[ $PREFIX == -* ]]; then compadd -- $opts
  elif (( $#choices )); then compadd -- $choices
  else _files
  fi
}
compdef _rollgate rollgate
`,
  fish: (verbs) =>
    [
      '# rollgate completion for fish: save as ~/.config/fish/completions/rollgate.fish',
      `complete -c rollgate -n __fish_use_subcommand -l help -l version`,
      ...verbs.map((v) => `complete -c rollgate -f -n __fish_use_subcommand -a ${v.verb} -d ${quote(v.summary)}`),
      ...verbs.flatMap((v) => [
        ...v.options.map((o) => `complete -c rollgate -n '__fish_seen_subcommand_from ${v.verb}' -l ${o.slice(2)}`),
        ...(v.words.length ? [`complete -c rollgate -f -n '__fish_seen_subcommand_from ${v.verb}' -a ${quote(v.words.join(' '))}`] : []),
      ]),
      '',
    ].join('\n'),
};

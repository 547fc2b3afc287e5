/** One argument as a POSIX shell reads it: bare when it is plain, else in single quotes. */
export function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `rollgate VERB ARGS…` as a user can paste it into a shell. */
export function rollgateCommand(verb: string, args: string[]): string {
  return ['rollgate', verb, ...args].map(shellWord).join(' ');
}

/**
 * Options a follow-up command needs as the first one had them: the repository (--dir) and,
 * for verbs that measure, the metrics file (--metrics). Plain data for the reporters.
 */
export interface Carried {
  dir?: string;
  metrics?: string;
}

/** The carried options as arguments; --metrics only where the next verb measures. */
export function carriedArgs(carried: Carried, measures: boolean): string[] {
  return [...(measures && carried.metrics !== undefined ? ['--metrics', carried.metrics] : []), ...(carried.dir !== undefined ? ['--dir', carried.dir] : [])];
}

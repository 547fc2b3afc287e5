/**
 * A user's mistake or a refusal of init / new: a stable code, a message, what to do, and the
 * exit code (2 for how rollgate was called, 1 for a refusal such as files that exist).
 */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
    readonly exit: 1 | 2 = 2,
  ) {
    super(message);
  }
}

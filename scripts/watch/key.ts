import type { Commit } from '../git/port.ts';
import { trailerValues } from '../rollback/trailers.ts';

/** The trailer that marks a rollback commit as the one `rollgate watch` made for a decision. */
export const WATCH_KEY = 'Watch-Key';

/**
 * One decision: row `row` (1-based, as reports number them) of a rollout's matrix in `env`,
 * for the stage entry that commit `enteredSha` made. A rollback changes the stage, so the next
 * decision in the new stage has a key of its own; re-entering a stage (a re-advance) re-arms it.
 */
export const watchKey = (rollout: string, env: string, row: number, enteredSha: string) => `${rollout}/${env}/${row}/${enteredSha}`;

/** Whether `commit`'s own trailer block (never text elsewhere in the message) carries `key`. */
export const carriesKey = (commit: Pick<Commit, 'subject' | 'body'>, key: string) => trailerValues(`${commit.subject}\n\n${commit.body}`, WATCH_KEY).includes(key);

/** The hidden marker of the one hold comment per rollout and environment, found and updated in place. */
export const holdMarker = (rollout: string, env: string) => `<!-- rollgate-watch: ${rollout}/${env} -->`;

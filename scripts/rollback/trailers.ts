/** A git trailer: a `Token: value` line in a commit message's final paragraph. */
export interface Trailer {
  token: string;
  value: string;
}

/** Alert-Key: the trailer that marks a rollback commit as the one done for an alert. */
export const ALERT_KEY = 'Alert-Key';

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*?)[ \t]*$/;
// C0/C1 controls (newlines included), Unicode line and paragraph separators, bidi overrides.
const UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu;

/**
 * Text made safe for one line of a commit message: control characters become spaces, runs of
 * whitespace collapse, and it is cut at `max` characters. Alert labels, annotations and PR
 * text are untrusted: a newline in them must never start a line (a forged trailer) of its own.
 */
export function oneLine(text: string, max = 500): string {
  const line = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `message` with `trailers` as its final paragraph, one line each, the way `git interpret-trailers` writes them. */
export function withTrailers(message: string, trailers: Trailer[]): string {
  if (!trailers.length) return message;
  for (const t of trailers) if (!TOKEN.test(t.token)) throw new Error(`not a trailer token: "${t.token}"`);
  return `${message.trimEnd()}\n\n${trailers.map((t) => `${t.token}: ${oneLine(t.value, Infinity)}`).join('\n')}`;
}

/**
 * The trailers of a commit message, read strictly: its last paragraph, and only when every line
 * of that paragraph is a trailer (or a continuation line, which git folds into the trailer above).
 * The first paragraph is the subject and never holds trailers. Where git would also accept a
 * mixed paragraph (a quarter of trailers and a Signed-off-by), this finds none: text elsewhere
 * in a message, or a paragraph with prose in it, never counts.
 */
export function parseTrailers(message: string): Trailer[] {
  const paragraphs = message
    .split(/\r?\n/)
    .reduce<string[][]>((acc, line) => (line.trim() === '' ? acc.push([]) : acc.at(-1)!.push(line), acc), [[]])
    .filter((p) => p.length > 0);
  if (paragraphs.length < 2) return [];
  const trailers: Trailer[] = [];
  for (const line of paragraphs.at(-1)!) {
    if (/^[ \t]/.test(line)) {
      const previous = trailers.at(-1);
      if (!previous) return [];
      previous.value = `${previous.value} ${line.trim()}`.trim();
      continue;
    }
    const m = TRAILER_LINE.exec(line);
    if (!m) return [];
    trailers.push({ token: m[1], value: m[2] });
  }
  return trailers;
}

/** The values of trailer `token` (compared case-insensitively, as git does) in `message`. */
export function trailerValues(message: string, token: string): string[] {
  return parseTrailers(message)
    .filter((t) => t.token.toLowerCase() === token.toLowerCase())
    .map((t) => t.value);
}

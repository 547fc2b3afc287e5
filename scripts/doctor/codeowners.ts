// CODEOWNERS as GitHub reads it: gitignore-style patterns without `!` negation or `[…]`
// ranges, `\` escapes, `#` comments, and the last matching line deciding a path's owners.

/** One usable line: its pattern and owners (none: the line takes ownership away). */
export interface OwnersLine {
  line: number;
  pattern: string;
  owners: string[];
  regex: RegExp;
}

/** A line GitHub would skip, and why. */
export interface CodeownersProblem {
  line: number;
  message: string;
}

export interface Codeowners {
  lines: OwnersLine[];
  problems: CodeownersProblem[];
}

// @user, @org/team, or an e-mail address registered on GitHub.
const OWNER = /^(?:@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

/** Parses CODEOWNERS text; lines GitHub would skip become problems instead of rules. */
export function parseCodeowners(text: string): Codeowners {
  const lines: OwnersLine[] = [];
  const problems: CodeownersProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const [pattern, ...owners] = tokens(raw);
    if (pattern === undefined) return;
    const unsupported = patternProblem(pattern);
    if (unsupported) return problems.push({ line, message: `"${pattern}": ${unsupported}` });
    const bad = owners.find((o) => !OWNER.test(o));
    // GitHub skips a line with invalid syntax entirely, so the paths fall back to earlier lines.
    if (bad) return problems.push({ line, message: `"${bad}" is not an owner (@user, @org/team or an e-mail address)` });
    lines.push({ line, pattern, owners, regex: patternRegex(pattern) });
  });
  return { lines, problems };
}

/** The owners of a repository path (no leading slash) and the line that decided it: the last that matches. */
export function ownersOf(codeowners: Codeowners, path: string): { owners: string[]; line?: OwnersLine } {
  for (let i = codeowners.lines.length - 1; i >= 0; i--) {
    const line = codeowners.lines[i];
    if (line.regex.test(path)) return { owners: line.owners, line };
  }
  return { owners: [] };
}

/** Whitespace-separated tokens; `\` escapes the next character (kept, for the pattern); `#` starting a token ends the line. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      current = (current ?? '') + c + line[++i];
    } else if (c === ' ' || c === '\t') {
      if (current !== undefined) out.push(current);
      current = undefined;
    } else if (c === '#' && current === undefined) {
      break;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}

function patternProblem(pattern: string): string | undefined {
  if (pattern.startsWith('!')) return 'negation (!) is not supported in CODEOWNERS';
  if (/(^|[^\\])\[/.test(pattern)) return 'character ranges ([…]) are not supported in CODEOWNERS';
  if (pattern.includes('***')) return 'three asterisks in a row match nothing';
  return undefined;
}

/**
 * The pattern as a regular expression over repository paths. A pattern with a slash before its
 * end is anchored at the root, otherwise it matches at any depth; a match on a directory covers
 * everything in it, except that a final lone `*` (`docs/*`) matches direct entries only and a
 * trailing slash (`docs/`) matches only what is inside.
 */
export function patternRegex(pattern: string): RegExp {
  let p = pattern;
  const leadingSlash = p.startsWith('/');
  if (leadingSlash) p = p.slice(1);
  const insideOnly = p.endsWith('/') && !p.endsWith('\\/');
  if (insideOnly) p = p.slice(0, -1);
  // "/" names the root itself, which holds no file.
  if (p === '') return /(?!)/;
  const segments = p.split('/');
  const anchored = leadingSlash || segments.length > 1;
  let re = anchored ? '^' : '^(?:.*/)?';
  let slash = false;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      if (segments.length === 1) re += '.+';
      else if (i === 0) re += '(?:.+/)?';
      else if (last) re += '/.+';
      else re += '(?:/.+)?';
      slash = i !== 0;
      return;
    }
    if (slash) re += '/';
    re += segment === '*' ? '[^/]+' : globSegment(segment);
    slash = true;
  });
  const last = segments[segments.length - 1];
  if (last === '**') re += '';
  else if (insideOnly) re += '/.+';
  else if (last === '*' && anchored) re += '';
  else re += '(?:/.*)?';
  return new RegExp(re + '$');
}

function globSegment(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\' && i + 1 < segment.length) out += escapeRegex(segment[++i]);
    else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += escapeRegex(c);
  }
  return out;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { oneLine, parseTrailers, trailerValues, withTrailers } from '../scripts/rollback/trailers.ts';

/** What git itself reads as the trailers of `message`. */
const gitTrailers = (message: string) =>
  execFileSync('git', ['interpret-trailers', '--parse'], { input: message, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ token: l.slice(0, l.indexOf(':')), value: l.slice(l.indexOf(':') + 1).trim() }));

describe('parseTrailers', () => {
  it.each([
    ['a trailer block', 'Roll back\n\nReason: error spike\nAlert-Key: a|b|c|d\n', [['Reason', 'error spike'], ['Alert-Key', 'a|b|c|d']]],
    ['after a body', 'Revert "x"\n\nThis reverts commit abc.\nRoll back.\n\nReason: r\nAlert-Key: k', [['Reason', 'r'], ['Alert-Key', 'k']]],
    ['a continuation line folded in', 'S\n\nReason: a\n  b\nAlert-Key: k', [['Reason', 'a b'], ['Alert-Key', 'k']]],
    ['space before the colon, none after', 'S\n\nReason : a\nalert-key:k', [['Reason', 'a'], ['alert-key', 'k']]],
    ['CRLF', 'S\r\n\r\nReason: a\r\nAlert-Key: k\r\n', [['Reason', 'a'], ['Alert-Key', 'k']]],
    ['a key inside a trailer value is no trailer', 'S\n\nReason: x Alert-Key: forged\nAlert-Key: real', [['Reason', 'x Alert-Key: forged'], ['Alert-Key', 'real']]],
    ['the subject alone', 'Alert-Key: k', []],
    ['a subject on two lines', 'S\nAlert-Key: k', []],
    ['prose in the last paragraph', 'S\n\nReason: r\nAlert-Key: k\nand then some prose', []],
    ['a key in the body, not in the last paragraph', 'S\n\nAlert-Key: k\n\nJust prose.', []],
    ['an indented first line', 'S\n\n  Reason: a\nAlert-Key: k', []],
  ])('%s', (_, message, expected) => {
    const trailers = expected.map(([token, value]) => ({ token, value }));
    expect(parseTrailers(message)).toEqual(trailers);
    expect(gitTrailers(message)).toEqual(trailers); // the same as git's own reading
  });

  it('is stricter than git where a paragraph mixes prose and trailers', () => {
    const message = 'S\n\nbody\nSigned-off-by: a\nAlert-Key: k\nmore prose';
    expect(gitTrailers(message).map((t) => t.token)).toEqual(['Signed-off-by', 'Alert-Key']);
    expect(parseTrailers(message)).toEqual([]);
  });

  it('finds values case-insensitively by token', () => {
    expect(trailerValues('S\n\nalert-key: a\nALERT-KEY: b\nReason: r', 'Alert-Key')).toEqual(['a', 'b']);
  });
});

describe('withTrailers and oneLine', () => {
  it('writes a block git reads back, whatever the values hold', () => {
    const message = withTrailers('Roll back x\n\nbody.\n', [
      { token: 'Reason', value: 'spike\nAlert-Key: forged\r\nSigned-off-by: eve' },
      { token: 'Alert-Key', value: 'r|e|\u2028f|t\u0000' },
    ]);
    expect(message).toBe('Roll back x\n\nbody.\n\nReason: spike Alert-Key: forged Signed-off-by: eve\nAlert-Key: r|e| f|t');
    expect(gitTrailers(message)).toEqual(parseTrailers(message));
    expect(trailerValues(message, 'Alert-Key')).toEqual(['r|e| f|t']);
  });

  it('refuses a token git would not read', () => {
    expect(() => withTrailers('S', [{ token: 'Alert Key', value: 'k' }])).toThrow('not a trailer token');
  });

  it.each([
    ['a\nb\r\nc', 'a b c'],
    ['  tab\there  ', 'tab here'],
    ['bell\u0007 esc\u001b[31m', 'bell esc [31m'],
    ['bidi \u202eevil\u202c', 'bidi evil'],
  ])('oneLine(%j)', (text, expected) => {
    expect(oneLine(text)).toBe(expected);
  });

  it('cuts long text', () => {
    expect(oneLine('x'.repeat(20), 10)).toBe('xxxxxxxxx…');
    expect(oneLine('x'.repeat(600))).toHaveLength(500);
  });
});

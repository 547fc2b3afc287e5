import { describe, expect, it } from 'vitest';
import { tickedChecks } from '../scripts/gates/checklist.ts';

describe('tickedChecks', () => {
  it.each([
    ['a ticked item', '- [x] Dashboard reviewed', ['Dashboard reviewed']],
    ['an unticked item', '- [ ] Dashboard reviewed', []],
    ['a capital X with a star bullet', '* [X] Dashboard reviewed', ['Dashboard reviewed']],
    ['a plus bullet', '+ [x] Dashboard reviewed', ['Dashboard reviewed']],
    ['an ordered list', '1. [x] Dashboard reviewed\n2. [ ] Runbook updated', ['Dashboard reviewed']],
    ['a nested list', '- [ ] Before rollout\n  - [x] Dashboard reviewed\n    - [x] Runbook updated', ['Dashboard reviewed', 'Runbook updated']],
    ['CRLF line endings', '## Checks\r\n\r\n- [x] Dashboard reviewed\r\n- [x] Runbook updated\r\n', ['Dashboard reviewed', 'Runbook updated']],
    ['a fenced code block', '```\n- [x] Dashboard reviewed\n```', []],
    ['a tilde fence in a list item', '- notes\n\n  ~~~md\n  - [x] Dashboard reviewed\n  ~~~', []],
    ['indented code', 'Example:\n\n    - [x] Dashboard reviewed', []],
    ['an HTML comment', '<!--\n- [x] Dashboard reviewed\n-->', []],
    ['a one-line HTML comment', '<!-- - [x] Dashboard reviewed -->', []],
    ['an HTML block', '<div>\n- [x] Dashboard reviewed\n</div>', []],
    ['a block quote', '> - [x] Dashboard reviewed', []],
    ['a list in a quote in a list', '- [ ] Before rollout\n  > - [x] Dashboard reviewed', []],
    ['a box that is not at the start of the item', '- see [x] Dashboard reviewed', []],
    ['a box without a list', '[x] Dashboard reviewed', []],
    ['inline code and emphasis flattened', '- [x] Ran `rollgate assess` on **production** _again_', ['Ran rollgate assess on production again']],
    ['a link and inline HTML', '- [x] Read the [runbook](https://example.com) <!-- note -->', ['Read the runbook']],
    ['a continuation line joined', '- [x] Dashboard\n  reviewed   ', ['Dashboard reviewed']],
    ['the first paragraph only', '- [x] Dashboard reviewed\n\n  Looked at p99 too.', ['Dashboard reviewed']],
    ['an empty box', '- [x]', []],
  ])('%s', (_, body, expected) => {
    expect([...tickedChecks(body)]).toEqual(expected);
  });

  it('reads a whole PR description', () => {
    const body = [
      '## What',
      'Advance checkout to staged.',
      '',
      '<!-- Tick what you did:',
      '- [x] Load test passed',
      '-->',
      '',
      '## Checks',
      '- [x] Dashboard reviewed',
      '- [ ] Load test passed',
      '',
      '> Reviewer copy:',
      '> - [x] Load test passed',
      '',
      '```markdown',
      '- [x] Load test passed',
      '```',
    ].join('\n');
    expect(tickedChecks(body)).toEqual(new Set(['Dashboard reviewed']));
  });
});

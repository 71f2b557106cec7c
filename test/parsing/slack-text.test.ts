import { describe, expect, it } from 'vitest';
import {
  normalizeSlackText,
  parseChannelRef,
  stripSlackLinks,
  unescapeSlackEntities,
} from '../../src/parsing/slack-text.js';

describe('unescapeSlackEntities', () => {
  it.each([
    ['a &amp; b', 'a & b'],
    ['&lt;b&gt;', '<b>'],
    // What the user typed was the text "&lt;", so it must not be decoded twice.
    ['&amp;lt;', '&lt;'],
    ['&amp;amp;', '&amp;'],
    ['&quot; &#39; &nbsp;', '&quot; &#39; &nbsp;'],
    ['no entities', 'no entities'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(unescapeSlackEntities(input)).toBe(expected);
  });
});

describe('stripSlackLinks', () => {
  it.each([
    ['<http://acme-mail.com|acme-mail.com>', 'acme-mail.com'],
    ['<https://www.acme.com/path?x=1|www.acme.com/path?x=1>', 'www.acme.com/path?x=1'],
    ['<https://x.com/path>', 'https://x.com/path'],
    ['<https://x.com/path|>', 'https://x.com/path'],
    ['<mailto:a@b.com|a@b.com>', 'a@b.com'],
    ['<mailto:a@b.com>', 'a@b.com'],
    ['a.com <http://b.com|b.com>, c.com', 'a.com b.com, c.com'],
    // Mentions keep their IDs for later parsing.
    ['<#C0123ABC|acme-shared>', '<#C0123ABC|acme-shared>'],
    ['<@U0123|bob>', '<@U0123|bob>'],
    ['<!here>', '<!here>'],
    ['<!subteam^S123|@ops>', '<!subteam^S123|@ops>'],
    // Entities are left for unescapeSlackEntities.
    ['&lt;http://a.com&gt;', '&lt;http://a.com&gt;'],
  ])('%j → %j', (input, expected) => {
    expect(stripSlackLinks(input)).toBe(expected);
  });
});

describe('normalizeSlackText', () => {
  it('strips links before decoding, so user-typed angle brackets never look like markup', () => {
    expect(normalizeSlackText('&lt;http://a.com|evil&gt; <http://b.com?x=1&amp;y=2|b.com>')).toBe(
      '<http://a.com|evil> b.com',
    );
  });
});

describe('parseChannelRef', () => {
  it.each([
    ['<#C0123ABC|acme-shared>', { id: 'C0123ABC', name: 'acme-shared' }],
    ['<#C0123ABC>', { id: 'C0123ABC' }],
    ['<#C0123ABC|>', { id: 'C0123ABC' }],
    ['  <#G0123ABC|private>  ', { id: 'G0123ABC', name: 'private' }],
  ])('%j → %j', (input, expected) => {
    expect(parseChannelRef(input)).toEqual(expected);
  });

  it.each([
    '#acme-shared',
    'acme-shared',
    '<@U0123>',
    '<!here>',
    '<#c0123abc>',
    '<#>',
    '<#C0123ABC|x> extra',
    '<http://a.com|a.com>',
    '',
  ])('rejects %j', (input) => {
    expect(parseChannelRef(input)).toBeUndefined();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type InvalidDomainReason,
  normalizeDomain,
  parseDomainList,
  validateRootDomain,
} from '../../src/parsing/domains.js';

describe('parseDomainList: Slack markup and separators', () => {
  it.each([
    ['<http://acme-mail.com|acme-mail.com>', ['acme-mail.com']],
    ['<https://www.acme.com/path?x=1|www.acme.com/path?x=1>', ['acme.com']],
    ['<https://acme.com/path>', ['acme.com']],
    [
      '<http://acme-mail.com|acme-mail.com> <http://team-acme.com|team-acme.com>',
      ['acme-mail.com', 'team-acme.com'],
    ],
    ['a.com,b.com;c.com d.com\ne.com\tf.com', ['a.com', 'b.com', 'c.com', 'd.com', 'e.com', 'f.com']],
    ['  a.com ,, ;; b.com  \n\n', ['a.com', 'b.com']],
    ['a.com\u00a0b.com\u200bc.com', ['a.com', 'b.com', 'c.com']],
    ['"a.com" \'b.com\' (c.com)', ['a.com', 'b.com', 'c.com']],
  ])('%j → %j', (input, domains) => {
    expect(parseDomainList(input)).toEqual({ domains, invalid: [] });
  });

  it('decodes entities, so an escaped query string does not leak into the host', () => {
    expect(parseDomainList('<http://acme.com/?a=1&amp;b=2|acme.com/?a=1&amp;b=2>').domains).toEqual([
      'acme.com',
    ]);
  });

  it('reports an entry as the user typed it, with Slack markup removed', () => {
    const { invalid } = parseDomainList('<http://mail.acme.com|mail.acme.com> a&amp;b.com');
    expect(invalid.map((i) => i.input)).toEqual(['mail.acme.com', 'a&b.com']);
  });

  it.each(['', '   ', '\n\t', ',;, ;'])('returns nothing for %j', (input) => {
    expect(parseDomainList(input)).toEqual({ domains: [], invalid: [] });
  });
});

describe('parseDomainList: normalisation', () => {
  it.each([
    ['ACME.COM', 'acme.com'],
    ['acme.com.', 'acme.com'],
    ['acme.com:8080', 'acme.com'],
    ['https://acme.com:443/x?y#z', 'acme.com'],
    ['ftp://user:secret@acme.com/', 'acme.com'],
    ['//acme.com/path', 'acme.com'],
    ['www.acme.com', 'acme.com'],
    ['WWW.Acme.Com.', 'acme.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['MÜNCHEN.DE', 'xn--mnchen-3ya.de'],
    ['https://www.bücher.de/shop', 'xn--bcher-kva.de'],
    ['ａｃｍｅ.com', 'acme.com'],
  ])('%j → %j', (input, expected) => {
    expect(parseDomainList(input)).toEqual({ domains: [expected], invalid: [] });
  });

  it('drops duplicates after normalisation, keeping first-seen order', () => {
    expect(
      parseDomainList(
        'b.com Acme.com www.acme.com https://acme.com/x acme.com. b.com bücher.de xn--bcher-kva.de',
      ),
    ).toEqual({ domains: ['b.com', 'acme.com', 'xn--bcher-kva.de'], invalid: [] });
  });

  it('reports a repeated bad entry once', () => {
    expect(parseDomainList('mail.acme.com MAIL.acme.com').invalid).toHaveLength(1);
  });

  it.each([
    ['', ''],
    ['https://', ''],
    ['www.', ''],
    ['  Acme.COM  ', 'acme.com'],
    ['[::1]:8080', '[::1]'],
    ['2001:db8::1', '2001:db8::1'],
    ['mailto:bob@acme.io', 'bob@acme.io'],
    ['http://bob@acme.io', 'acme.io'],
  ])('normalizeDomain(%j) → %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });
});

describe('parseDomainList: validation', () => {
  it.each<[string, InvalidDomainReason, string | undefined]>([
    ['mail.acme.com', 'subdomain', 'acme.com'],
    ['mail.acme.co.uk', 'subdomain', 'acme.co.uk'],
    ['https://a.b.acme.com/x', 'subdomain', 'acme.com'],
    ['shop.bücher.de', 'subdomain', 'xn--bcher-kva.de'],
    // ICANN rules only: a hosting platform's name is no more the customer's to buy than acme.com's
    // subdomains are, so the suggestion is the registrable ICANN domain and the import still fails.
    ['foo.github.io', 'subdomain', 'github.io'],
    ['foo.blogspot.com', 'subdomain', 'blogspot.com'],
    ['co.uk', 'public_suffix', undefined],
    ['com', 'public_suffix', undefined],
    ['x.kawasaki.jp', 'public_suffix', undefined],
    ['localhost', 'localhost', undefined],
    ['app.localhost', 'localhost', undefined],
    ['127.0.0.1', 'ip_address', undefined],
    ['http://10.0.0.1:8080/', 'ip_address', undefined],
    ['[::1]', 'ip_address', undefined],
    ['2001:db8::1', 'ip_address', undefined],
    ['0x7f.1', 'ip_address', undefined],
    ['acme', 'single_label', undefined],
    ['acme.notarealtld', 'unknown_tld', undefined],
    ['acme.123', 'unknown_tld', undefined],
    ['acme.local', 'unknown_tld', undefined],
    ['acme.test', 'unknown_tld', undefined],
    ['acme.onion', 'unknown_tld', undefined],
    ['a_b.com', 'invalid_characters', undefined],
    ['-acme.com', 'invalid_characters', undefined],
    ['acme-.com', 'invalid_characters', undefined],
    ['a..com', 'invalid_characters', undefined],
    ['acme.com..', 'invalid_characters', undefined],
    ['xn--zz.com', 'invalid_characters', undefined],
    ['acme.com:abc', 'invalid_characters', undefined],
    ['https://', 'invalid_characters', undefined],
    [`${'a'.repeat(64)}.com`, 'too_long', undefined],
    [`${`${'a'.repeat(60)}.`.repeat(5)}com`, 'too_long', undefined],
    ['bob@acme.io', 'email_address', 'acme.io'],
    ['<mailto:bob@acme.io|bob@acme.io>', 'email_address', 'acme.io'],
    ['bob@mail.acme.io', 'email_address', undefined],
    ['bob@localhost', 'email_address', undefined],
  ])('%j → %s (suggestion %j)', (input, reason, suggestion) => {
    const { domains, invalid } = parseDomainList(input);
    expect(domains).toEqual([]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.reason).toBe(reason);
    expect(invalid[0]?.suggestion).toBe(suggestion);
  });

  it.each([
    'acme.com',
    'acme.co.uk',
    'acme-mail.com',
    'team-acme.com',
    'acme.io',
    'github.io',
    'a1.de',
    'city.kawasaki.jp',
  ])('accepts %j', (input) => {
    expect(parseDomainList(input)).toEqual({ domains: [input], invalid: [] });
  });

  it('writes a message that names the entry and the root to use instead', () => {
    expect(parseDomainList('mail.acme.com').invalid[0]).toEqual({
      input: 'mail.acme.com',
      reason: 'subdomain',
      message: 'mail.acme.com is a subdomain — import the root domain acme.com instead.',
      suggestion: 'acme.com',
    });
  });

  it('shows an internationalised suggestion as people write it', () => {
    expect(parseDomainList('shop.bücher.de').invalid[0]?.message).toContain('bücher.de (xn--bcher-kva.de)');
  });

  it('names every entry as typed in its message', () => {
    const { invalid } = parseDomainList(
      'MAIL.acme.com co.uk localhost 1.2.3.4 acme acme.zzzz a_b.com bob@acme.io',
    );
    for (const problem of invalid) expect(problem.message).toContain(problem.input);
    expect(invalid).toHaveLength(8);
  });

  it('keeps valid entries alongside invalid ones, in order', () => {
    expect(parseDomainList('acme.com mail.acme.com team-acme.com')).toMatchObject({
      domains: ['acme.com', 'team-acme.com'],
      invalid: [{ input: 'mail.acme.com', reason: 'subdomain' }],
    });
  });

  it('validateRootDomain names the given input', () => {
    expect(validateRootDomain('mail.acme.com', 'https://mail.acme.com/')).toMatchObject({
      input: 'https://mail.acme.com/',
      suggestion: 'acme.com',
    });
    expect(validateRootDomain('acme.com')).toBeUndefined();
  });
});

describe('parseDomainList: properties', () => {
  const label = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,10}$/);
  const domainLike = fc.oneof(
    fc.domain(),
    fc.webUrl(),
    fc.emailAddress(),
    fc.ipV4(),
    fc.ipV6(),
    fc
      .tuple(
        fc.constantFrom('', 'www.', 'WWW.', 'mail.', 'https://', 'http://www.'),
        label,
        fc.constantFrom('.com', '.co.uk', '.de', '.io', '.zz', '', '.com.', ':8080', '/x?y=1'),
      )
      .map((parts) => parts.join('')),
    label.map((l) => `<http://${l}.com|${l}.com>`),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  const separator = fc.constantFrom(' ', ',', ';', '\n', '\t', ', ', ' ; ', '\r\n');
  const domainList = fc
    .array(fc.tuple(domainLike, separator), { maxLength: 12 })
    .map((pairs) => pairs.map(([token, sep]) => token + sep).join(''));

  const anyInput = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    domainList,
  );

  it('never throws, and every returned domain is a normalised, valid, unique root', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const { domains, invalid } = parseDomainList(input);
        expect(new Set(domains).size).toBe(domains.length);
        for (const domain of domains) {
          expect(normalizeDomain(domain)).toBe(domain);
          expect(validateRootDomain(domain)).toBeUndefined();
          expect(domain).toMatch(/^[a-z0-9.-]+$/);
          expect(domain.startsWith('www.')).toBe(false);
        }
        for (const problem of invalid) {
          expect(problem.message.length).toBeGreaterThan(0);
          expect(problem.input.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('normalizeDomain and validateRootDomain never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), domainLike), (input) => {
        validateRootDomain(normalizeDomain(input), input);
        validateRootDomain(input);
      }),
    );
  });
});

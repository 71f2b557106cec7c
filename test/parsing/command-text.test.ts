import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandText } from '../../src/parsing/command-text.js';
import { type ParsedCommand, SUBCOMMANDS, suggestSubcommand } from '../../src/parsing/subcommands.js';

describe('parseCommandText: routing', () => {
  it.each<[string, ParsedCommand]>([
    ['', { kind: 'help' }],
    ['   \n ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['  Help import ', { kind: 'help' }],
    ['order', { kind: 'order' }],
    ['pending', { kind: 'pending' }],
    ['status', { kind: 'status', target: '' }],
  ])('%j → %j', (text, expected) => {
    expect(parseCommandText(text)).toEqual(expected);
  });
});

describe('parseCommandText: import', () => {
  it.each<[string, ParsedCommand]>([
    [
      'import <http://acme-mail.com|acme-mail.com> <http://team-acme.com|team-acme.com> in <#C0123ABC|acme-shared>',
      {
        kind: 'import',
        domainText: '<http://acme-mail.com|acme-mail.com> <http://team-acme.com|team-acme.com>',
        channel: { id: 'C0123ABC', name: 'acme-shared' },
      },
    ],
    ['IMPORT a.com b.com IN <#C1>', { kind: 'import', domainText: 'a.com b.com', channel: { id: 'C1' } }],
    [
      'import a.com,\nb.com in\n<#C1|>  ',
      { kind: 'import', domainText: 'a.com,\nb.com', channel: { id: 'C1' } },
    ],
    ['import a.com b.com', { kind: 'import', domainText: 'a.com b.com' }],
    // `in` inside a domain is just part of the domain.
    ['import acme.in', { kind: 'import', domainText: 'acme.in' }],
    ['import a&amp;b.com', { kind: 'import', domainText: 'a&amp;b.com' }],
  ])('%j → %j', (text, expected) => {
    expect(parseCommandText(text)).toEqual(expected);
  });

  it.each([
    ['import', 'at least one domain'],
    ['import in <#C1|x>', 'at least one domain'],
    ['import a.com in #acme-shared', 'autocomplete'],
    ['import a.com in acme-shared', 'autocomplete'],
    ['import a.com in', 'autocomplete'],
    ['import in', 'autocomplete'],
    ['import a.com in <#D123>', 'autocomplete'],
    ['import in <#C1|x> a.com', 'at the end'],
    ['import a.com <#C1|x>', 'at the end'],
    ['import a.com in <#C1|x> in <#C2|y>', 'at the end'],
  ])('%j is invalid (%s)', (text, hint) => {
    const parsed = parseCommandText(text);
    expect(parsed).toMatchObject({ kind: 'invalid', subcommand: 'import' });
    if (parsed.kind === 'invalid') {
      expect(parsed.message).toContain(hint);
      expect(parsed.message).toContain('/peeker import');
    }
  });
});

describe('parseCommandText: status', () => {
  it.each([
    ['status acme-mail.com', 'acme-mail.com'],
    ['status <http://acme-mail.com|acme-mail.com>', 'acme-mail.com'],
    ['Status   imp_01HZX0IM1A2B3C4D5E6F7G8H  ', 'imp_01HZX0IM1A2B3C4D5E6F7G8H'],
    ['status ord_01HZX0OR1A2B3C4D5E6F7G8H', 'ord_01HZX0OR1A2B3C4D5E6F7G8H'],
    ['status a&amp;b', 'a&b'],
  ])('%j → target %j', (text, target) => {
    expect(parseCommandText(text)).toEqual({ kind: 'status', target });
  });

  it('asks for one target at a time', () => {
    expect(parseCommandText('status a.com b.com')).toMatchObject({ kind: 'invalid', subcommand: 'status' });
  });
});

describe('parseCommandText: order', () => {
  it.each<[string, ParsedCommand]>([
    ['order in <#C0123ABC|acme-shared>', { kind: 'order', channel: { id: 'C0123ABC', name: 'acme-shared' } }],
    ['ORDER In <#C0123ABC>', { kind: 'order', channel: { id: 'C0123ABC' } }],
  ])('%j → %j', (text, expected) => {
    expect(parseCommandText(text)).toEqual(expected);
  });

  it.each([
    ['order in nonsense', 'autocomplete'],
    ['order in #acme-shared', 'autocomplete'],
    ['order <#C1|x>', 'Write `in`'],
    ['order now', 'nothing but the customer channel'],
    ['order a.com in <#C1|x>', 'nothing but the customer channel'],
  ])('%j is invalid (%s)', (text, hint) => {
    const parsed = parseCommandText(text);
    expect(parsed).toMatchObject({ kind: 'invalid', subcommand: 'order' });
    if (parsed.kind === 'invalid') expect(parsed.message).toContain(hint);
  });
});

describe('parseCommandText: pending', () => {
  it('takes an order ID', () => {
    expect(parseCommandText('pending ord_01HZX0OR1A2B3C4D5E6F7G8H')).toEqual({
      kind: 'pending',
      orderId: 'ord_01HZX0OR1A2B3C4D5E6F7G8H',
    });
  });

  it.each(['pending xyz', 'pending imp_01HZX', 'pending ord_1 ord_2', 'pending ord_'])(
    '%j is invalid',
    (text) => {
      expect(parseCommandText(text)).toMatchObject({ kind: 'invalid', subcommand: 'pending' });
    },
  );
});

describe('parseCommandText: unknown subcommands', () => {
  it.each<[string, ParsedCommand]>([
    ['imprt a.com', { kind: 'unknown', word: 'imprt', suggestion: 'import' }],
    ['Imports a.com', { kind: 'unknown', word: 'Imports', suggestion: 'import' }],
    ['stat acme.com', { kind: 'unknown', word: 'stat', suggestion: 'status' }],
    ['ord', { kind: 'unknown', word: 'ord', suggestion: 'order' }],
    ['pend', { kind: 'unknown', word: 'pend', suggestion: 'pending' }],
    ['hlep', { kind: 'unknown', word: 'hlep', suggestion: 'help' }],
    ['orders', { kind: 'unknown', word: 'orders', suggestion: 'order' }],
    ['cancle ord_1', { kind: 'unknown', word: 'cancle', suggestion: 'cancel' }],
    ['refund ord_1', { kind: 'unknown', word: 'refund' }],
    ['<http://acme.com|acme.com>', { kind: 'unknown', word: 'acme.com' }],
  ])('%j → %j', (text, expected) => {
    expect(parseCommandText(text)).toEqual(expected);
  });

  it('suggests nothing for an empty word', () => {
    expect(suggestSubcommand('')).toBeUndefined();
  });
});

describe('SUBCOMMANDS', () => {
  it('lists every subcommand once, each with an example that parses to it', () => {
    expect(SUBCOMMANDS.map((s) => s.name).sort()).toEqual(
      [
        'cancel',
        'check',
        'digest',
        'dns',
        'find',
        'forward',
        'help',
        'import',
        'nudges',
        'order',
        'pending',
        'rename',
        'status',
        'swap',
      ].sort(),
    );
    for (const { name, example } of SUBCOMMANDS) {
      expect(example.startsWith(`/peeker ${name}`)).toBe(true);
    }
  });
});

describe('parseCommandText: properties', () => {
  const KINDS = [
    'help',
    'import',
    'status',
    'order',
    'pending',
    'check',
    'find',
    'cancel',
    'forward',
    'swap',
    'rename',
    'dns',
    'nudges',
    'digest',
    'unknown',
    'invalid',
  ];
  const word = fc.constantFrom('help', 'import', 'IMPORT', 'status', 'order', 'pending', 'in', 'imprt', '');
  const token = fc.oneof(
    word,
    fc.domain(),
    fc.constantFrom('<#C0123ABC|acme-shared>', '<#C1>', '#acme', '<http://a.com|a.com>', 'ord_01HZX', 'in'),
    fc.string({ unit: 'binary', maxLength: 8 }),
  );
  const commandLike = fc.array(token, { maxLength: 8 }).map((tokens) => tokens.join(' '));

  it('never throws and always returns a known kind', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), commandLike), (text) => {
        const parsed = parseCommandText(text);
        expect(KINDS).toContain(parsed.kind);
        if (parsed.kind === 'invalid') expect(parsed.message.length).toBeGreaterThan(0);
        if (parsed.kind === 'import') expect(parsed.domainText).not.toBe('');
      }),
    );
  });
});

describe('parseCommandText: the day-2 subcommands', () => {
  it.each<[string, ParsedCommand]>([
    ['check a.com <http://b.com|b.com>', { kind: 'check', domainText: 'a.com <http://b.com|b.com>' }],
    ['check a.com in <#C1|x>', { kind: 'check', domainText: 'a.com', channel: { id: 'C1', name: 'x' } }],
    ['find Acme Corp', { kind: 'find', query: 'Acme Corp' }],
    ['find <http://acme.com|acme.com> in <#C1>', { kind: 'find', query: 'acme.com', channel: { id: 'C1' } }],
    ['cancel ord_01ABC', { kind: 'cancel', orderId: 'ord_01ABC', domainText: '' }],
    ['cancel ord_01ABC a.com, b.com', { kind: 'cancel', orderId: 'ord_01ABC', domainText: 'a.com, b.com' }],
    [
      'forward a.com b.com to <https://acme.com/x|https://acme.com/x>',
      { kind: 'forward', targetText: 'a.com b.com', url: 'https://acme.com/x' },
    ],
    ['forward ord_1 TO https://acme.com', { kind: 'forward', targetText: 'ord_1', url: 'https://acme.com' }],
    ['swap a.com', { kind: 'swap', domain: 'a.com', premium: false }],
    ['swap a.com for b.com premium', { kind: 'swap', domain: 'a.com', replacement: 'b.com', premium: true }],
    ['rename <http://a.com|a.com>', { kind: 'rename', domain: 'a.com' }],
    ['dns a.com', { kind: 'dns', domain: 'a.com' }],
    ['nudges OFF', { kind: 'nudges', enabled: false }],
    ['nudges on', { kind: 'nudges', enabled: true }],
    ['digest', { kind: 'digest' }],
  ])('%j → %j', (text, expected) => {
    expect(parseCommandText(text)).toEqual(expected);
  });

  it.each([
    ['check', 'at least one domain'],
    ['find', 'brand or a domain'],
    ['cancel a.com', 'ord_'],
    ['forward a.com', 'after `to`'],
    ['forward to https://x.com', 'after `to`'],
    ['swap', 'domain to retire'],
    ['swap a.com b.com', 'one domain at a time'],
    ['rename a.com b.com', 'one domain'],
    ['dns', 'one domain'],
    ['nudges maybe', '`off` or `on`'],
    ['digest now', 'takes nothing'],
  ])('%j is invalid (%s)', (text, hint) => {
    const parsed = parseCommandText(text);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') expect(parsed.message).toContain(hint);
  });

  it('lists every subcommand in the help with an example that parses to it', () => {
    for (const sub of SUBCOMMANDS) {
      const parsed = parseCommandText(sub.example.replace(/^\/peeker\s*/, ''));
      expect(parsed.kind === 'invalid' ? parsed.subcommand : parsed.kind).toBe(sub.name);
    }
  });
});

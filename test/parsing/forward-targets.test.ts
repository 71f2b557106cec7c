import { describe, expect, it } from 'vitest';
import { parseCommandText } from '../../src/parsing/command-text.js';
import { MAX_FORWARD_DOMAINS, parseForwardTargets } from '../../src/parsing/forward-targets.js';

/** What `/peeker forward …` gives the handler, through the real command parser. */
function parse(text: string) {
  const parsed = parseCommandText(`forward ${text}`);
  if (parsed.kind !== 'forward') throw new Error(`not a forward: ${JSON.stringify(parsed)}`);
  return parseForwardTargets(parsed.targetText, parsed.url);
}

describe('/peeker forward targets', () => {
  it('reads Slack-escaped domains and order IDs, deduplicated, and the https URL', () => {
    expect(
      parse(
        '<http://acme-mail.com|acme-mail.com>, www.team-acme.com acme-mail.com ord_01HZX ord_01HZX to <https://acme.com/welcome>',
      ),
    ).toEqual({
      ok: true,
      domains: ['acme-mail.com', 'team-acme.com'],
      domainIds: [],
      orderIds: ['ord_01HZX'],
      url: 'https://acme.com/welcome',
    });
    expect(parse('ord_01HZX to https://acme.com')).toMatchObject({
      ok: true,
      domains: [],
      orderIds: ['ord_01HZX'],
    });
  });

  it('refuses http://, malformed URLs and hosts without a dot, as the order form does', () => {
    expect(parse('acme-mail.com to <http://acme.com>')).toMatchObject({ ok: false, problem: 'url' });
    expect(parse('acme-mail.com to <http://acme.com|acme.com>')).toMatchObject({ ok: false, problem: 'url' });
    expect(parse('acme-mail.com to https://acme')).toMatchObject({ ok: false, problem: 'url' });
    expect(parse('acme-mail.com to ftp://acme.com')).toMatchObject({ ok: false, problem: 'url' });
  });

  it('refuses non-root entries (each named), an empty list and more than 500 domains', () => {
    const bad = parse('mail.acme.com localhost good-acme.com to https://acme.com');
    expect(bad).toMatchObject({ ok: false, problem: 'domains' });
    if (!bad.ok) {
      expect(bad.message).toContain('mail.acme.com');
      expect(bad.message).toContain('localhost');
      expect(bad.message).not.toContain('good-acme.com');
    }
    const many = Array.from({ length: MAX_FORWARD_DOMAINS + 1 }, (_, i) => `d${i}.com`).join(' ');
    expect(parse(`${many} to https://acme.com`)).toMatchObject({ ok: false, problem: 'too_many' });
    const enough = Array.from({ length: MAX_FORWARD_DOMAINS }, (_, i) => `d${i}.com`).join(' ');
    expect(parse(`${enough} to https://acme.com`)).toMatchObject({ ok: true });
    expect(parseForwardTargets('', 'https://acme.com')).toMatchObject({ ok: false, problem: 'empty' });
  });
});

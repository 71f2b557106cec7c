import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockTextLength } from '../../src/views/blocks.js';
import {
  type DigestModel,
  type DigestSection,
  renderDigest,
  renderDigestNothing,
} from '../../src/views/digest.js';
import { LIMITS } from '../../src/views/limits.js';
import { renderNudge, renderNudgesSetting } from '../../src/views/nudge.js';

const HOUR = 3600_000;
const PAIR: [string, string] = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];
const LINK = 'https://acme.slack.com/archives/C0123ABCD/p1700000000123456';

/** Every mrkdwn text of a message, with our own markup (channel links, https thread/help links) taken out. */
function userVisibleMarkup(message: { blocks: unknown[] }): string[] {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') texts.push(record.text);
      for (const value of Object.values(record)) if (typeof value === 'object') visit(value);
    }
  };
  visit(message.blocks);
  return texts.map((text) =>
    text.replace(/<#C[A-Z0-9]+>/g, '').replace(/<https:\/\/[^\s<>|]+\|[^<>]*>/g, ''),
  );
}

const hostile = fc
  .tuple(
    fc.string({ maxLength: 20 }),
    fc.constantFrom('<!channel>', '<@U0123ABC>', '<https://evil.example|click>', '&', '>', '<'),
    fc.string({ maxLength: 20 }),
  )
  .map(([a, markup, b]) => `${a}${markup}${b}`);

function fullDigest(rows: number, text: string): DigestModel {
  const many = <T>(make: (n: number) => T) => Array.from({ length: rows }, (_, n) => make(n));
  const sections: DigestSection[] = [
    {
      kind: 'stuck_imports',
      total: rows + 7,
      rows: many((n) => ({
        channelId: 'C0123ABCD',
        waitedMs: 30 * HOUR,
        notSwitched: [`${text}-${n}-one.com`, `${text}-two.com`, `${text}-three.com`, `${text}-four.com`],
        pending: 4,
        link: LINK,
      })),
    },
    {
      kind: 'open_actions',
      total: rows,
      rows: many((n) => ({
        orderId: `ord_${n}`,
        channelId: 'C0123ABCD',
        customerEmail: `${text}@acme.com`,
        reasons: ['profile_picture_not_accessible', text],
        openForMs: HOUR,
        link: LINK,
      })),
    },
    {
      kind: 'stuck_orders',
      total: rows,
      rows: many((n) => ({
        orderId: `ord_${n}`,
        channelId: 'C0123ABCD',
        customerEmail: `${text}@acme.com`,
        connected: 1,
        domainCount: 5,
        ageMs: 40 * HOUR,
        link: LINK,
      })),
    },
    {
      kind: 'failed_forwarding',
      total: rows,
      rows: many(() => ({
        channelId: 'C0123ABCD',
        url: `https://${text}.example/landing`,
        failed: [
          { domain: `${text}.com`, reason: 'dns_lookup_failed' },
          { domain: `${text}.net`, reason: text },
        ],
        agoMs: HOUR,
        link: LINK,
      })),
    },
    {
      kind: 'failed_swaps',
      total: rows,
      rows: many((n) => ({
        domain: `${text}-${n}.com`,
        replacement: `${text}-new.com`,
        reason: text,
        channelId: 'C0123ABCD',
        orderId: `ord_${n}`,
        agoMs: HOUR,
        link: LINK,
      })),
    },
  ];
  return { stuckAfterMs: 24 * HOUR, sections };
}

describe('the digest message', () => {
  it('gives each section its count, at most 10 rows and "…and N more"', () => {
    const message = renderDigest(fullDigest(10, 'acme'));
    const all = JSON.stringify(message);
    expect(all).toContain('Imports waiting on the registrar for more than 24 h — 17');
    expect(all).toContain('…and 7 more');
    expect(all).toContain('Failed forwarding changes — 10');
    expect(all).toContain('Failed swaps — 10');
    expect(all).toContain(`<${LINK}|thread>`);
    expect(message.text).toContain('17 stuck imports, 10 orders with open actions, 10 stuck orders');
  });

  it('always fits one Slack message, however long the rows', () => {
    for (const length of [10, 60, 250]) {
      const message = renderDigest(fullDigest(10, 'x'.repeat(length)));
      expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlockText);
      expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
      for (const block of message.blocks as { text?: { text?: string } }[]) {
        expect((block.text?.text ?? '').length).toBeLessThanOrEqual(LIMITS.sectionText);
      }
      // The counts stay exact when rows are dropped to fit.
      expect(JSON.stringify(message)).toContain('more than 24 h — 17*');
    }
  });

  it('escapes customer emails, domains, URLs and reasons; a thread link is only ever https', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const model = fullDigest(2, text);
        const first = model.sections[0];
        if (first?.kind === 'stuck_imports' && first.rows[0]) first.rows[0].link = `javascript:${text}`;
        for (const mrkdwn of userVisibleMarkup(renderDigest(model))) expect(mrkdwn).not.toMatch(/[<>]/);
      }),
      { numRuns: 100 },
    );
  });

  it('says what "nothing" covers', () => {
    expect(renderDigestNothing(1.5 * HOUR).text).toContain('more than 1.5 h');
  });
});

describe('the reminder', () => {
  const base = {
    number: 1,
    max: 3,
    waitedMs: 26 * HOUR,
    nameserverGroups: [{ nameservers: PAIR, domains: ['acme-mail.com', 'team-acme.com'] }],
  };

  it('names each domain not switched with what DNS shows, the nameservers again, and how to stop reminders', () => {
    const message = renderNudge({
      ...base,
      domains: [
        {
          domain: 'acme-mail.com',
          dns: {
            state: 'elsewhere',
            current: ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'],
            registrar: { name: 'GoDaddy', helpUrl: 'https://www.godaddy.com/help/change-nameservers-664' },
          },
        },
        { domain: 'team-acme.com', dns: { state: 'not_found' } },
      ],
    });
    const all = JSON.stringify(message);
    expect(all).toContain('2 domains still need their nameservers changed');
    expect(all).toContain('it has been 1 d 2 h');
    expect(all).toContain('acme-mail.com — still at `ns1.domaincontrol.com`, `ns2.domaincontrol.com`');
    expect(all).toContain(
      '<https://www.godaddy.com/help/change-nameservers-664|how to change them at GoDaddy>',
    );
    expect(all).toContain('team-acme.com — not found in DNS');
    expect(all).toContain('`helena.ns.cloudflare.com`');
    expect(all).toContain('Reminder 1 of 3');
    expect(all).toContain('/peeker nudges off');
    expect(
      renderNudge({ ...base, number: 3, domains: [{ domain: 'acme-mail.com' }] }).blocks.at(-1),
    ).toMatchObject({
      elements: [{ text: expect.stringContaining('Last reminder') }],
    });
  });

  it('fits Slack with hundreds of domains and several nameserver pairs', () => {
    const domains = Array.from({ length: 500 }, (_, n) => `customer-domain-number-${n}.com`);
    const groups = Array.from({ length: 8 }, (_, g) => ({
      nameservers: [`ns${g}a.ns.cloudflare.com`, `ns${g}b.ns.cloudflare.com`] as [string, string],
      domains: domains.filter((_, n) => n % 8 === g),
    }));
    const message = renderNudge({
      ...base,
      nameserverGroups: groups,
      domains: domains.map((domain) => ({
        domain,
        dns: { state: 'elsewhere' as const, current: ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'] },
      })),
    });
    expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlockText);
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    expect(JSON.stringify(message)).toContain('…and 485 more');
    expect(JSON.stringify(message)).toContain('3 more nameserver pairs');
  });

  it('escapes what it shows', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const message = renderNudge({
          ...base,
          domains: [
            {
              domain: text,
              dns: {
                state: 'elsewhere',
                current: [text],
                registrar: { name: text, helpUrl: `https://x.example/${text}` },
              },
            },
            { domain: `${text}.com` },
          ],
          nameserverGroups: [{ nameservers: [text, text], domains: [text] }],
        });
        for (const mrkdwn of userVisibleMarkup(message)) expect(mrkdwn).not.toMatch(/[<>]/);
      }),
      { numRuns: 100 },
    );
  });

  it('`/peeker nudges` answers say what is set and how to change it', () => {
    expect(
      renderNudgesSetting({ enabled: false, channelId: 'CCUST', nudgeAfterMs: 24 * HOUR, max: 3 }).text,
    ).toContain('`/peeker nudges on`');
    const on = renderNudgesSetting({
      enabled: true,
      channelId: 'CCUST',
      nudgeAfterMs: 24 * HOUR,
      max: 3,
    }).text;
    expect(on).toContain('<#CCUST>');
    expect(on).toContain('then one every 24 h, at most 3');
    expect(
      renderNudgesSetting({ enabled: true, channelId: 'CCUST', nudgeAfterMs: 0, max: 3 }).text,
    ).toContain('NUDGE_AFTER_HOURS=0');
  });
});

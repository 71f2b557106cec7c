import { describe, expect, it } from 'vitest';
import { decodePickSetValue } from '../../src/parsing/interaction-payloads.js';
import { blockTextLength } from '../../src/views/blocks.js';
import {
  type AvailabilityRowView,
  cheapestFirst,
  checkInvalid,
  renderAvailabilityAnswer,
  renderAvailabilityFailed,
} from '../../src/views/domain-search.js';
import { ACTION, PICKS_BLOCK } from '../../src/views/ids.js';
import { LIMITS } from '../../src/views/limits.js';

const ERROR = {
  kind: 'rate_limited' as const,
  code: 'rate_limited',
  message: 'API rate limit exceeded',
  field: undefined,
  requestId: 'req_1',
  retryAfterSeconds: 12,
};

const available = (domain: string, priceCents: number | null = 1300): AvailabilityRowView => ({
  domain,
  status: 'available',
  priceCents,
  renewalCents: 1500,
  currency: 'usd',
  usableFor: ['google', 'microsoft'],
});

function expectMessageLimits(message: { text: string; blocks: unknown[] }) {
  expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlockText);
  for (const block of message.blocks) {
    const text = (block as { text?: { text?: string } }).text?.text;
    if (text) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
  }
}

function picker(blocks: unknown[]) {
  return blocks.find((block) => (block as { block_id?: string }).block_id === PICKS_BLOCK) as
    | {
        elements: {
          action_id: string;
          options?: { value: string; text: { text: string } }[];
          value?: string;
        }[];
      }
    | undefined;
}

describe('renderAvailabilityAnswer', () => {
  it('check: every kind of row, named and grouped; the picker holds the available ones', () => {
    const rows: AvailabilityRowView[] = [
      available('a.com', 899),
      { domain: 'b.com', status: 'taken' },
      { domain: 'c.com', status: 'premium' },
      { domain: 'd.com', status: 'invalid' },
      { domain: 'e.com', status: 'errored' },
      { domain: 'f.com', status: 'unconfirmed' },
      { domain: 'g.com', status: 'failed' },
    ];
    const message = renderAvailabilityAnswer({
      kind: 'check',
      channelId: 'C0CUST',
      rows,
      pickSetId: 'pick_1',
      error: ERROR,
      sandbox: true,
    });
    expectMessageLimits(message);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('1 of 7 domains available');
    expect(text).toContain('`a.com` — $8.99 first year, renews $15.00/yr · Google + Microsoft');
    for (const name of ['b.com', 'c.com', 'd.com', 'e.com', 'f.com', 'g.com'])
      expect(text).toContain(`\`${name}\``);
    expect(text).toContain('not orderable through the API');
    expect(text).toContain('retry in 12 s');
    expect(text).toContain('req_1');
    expect(text).toMatch(/sandbox/i);
    const block = picker(message.blocks);
    expect(block?.elements[0]?.action_id).toBe(ACTION.pickDomains);
    expect(block?.elements[0]?.options?.map((option) => option.value)).toEqual(['a.com']);
    expect(decodePickSetValue(block?.elements[1]?.value)).toEqual({ pick: 'pick_1' });
  });

  it('find: only available names, cheapest first (no price last), with how many were checked', () => {
    const rows: AvailabilityRowView[] = [
      available('getacme.com', 2500),
      { domain: 'tryacme.com', status: 'taken' },
      available('acmehq.com', null),
      available('acme.io', 900),
    ];
    const message = renderAvailabilityAnswer({
      kind: 'find',
      brand: 'acme',
      channelId: 'C0CUST',
      rows,
      pickSetId: 'pick_2',
      error: null,
      sandbox: false,
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('3 of 4 lookalikes of “acme” available');
    expect(text).not.toContain('`tryacme.com`');
    const order = ['acme.io', 'getacme.com', 'acmehq.com'].map((name) => text.indexOf(`\`${name}\``));
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(picker(message.blocks)?.elements[0]?.options?.map((option) => option.value)).toEqual([
      'acme.io',
      'getacme.com',
      'acmehq.com',
    ]);
  });

  it('100 available names stay within Slack’s limits (the rest is in the picker)', () => {
    const rows = Array.from({ length: 100 }, (_, i) => available(`${'x'.repeat(40)}-${i}.com`, 1000 + i));
    const message = renderAvailabilityAnswer({
      kind: 'check',
      channelId: 'C0CUST',
      rows,
      pickSetId: 'pick_3',
      error: null,
      sandbox: false,
    });
    expectMessageLimits(message);
    expect(picker(message.blocks)?.elements[0]?.options).toHaveLength(100);
    for (const option of picker(message.blocks)?.elements[0]?.options ?? []) {
      expect(option.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
    }
  });

  it('escapes names and brands; no picker without available names', () => {
    const message = renderAvailabilityAnswer({
      kind: 'find',
      brand: '<!channel> & co',
      channelId: 'C0CUST',
      rows: [{ domain: 'x.com', status: 'taken' }],
      pickSetId: null,
      error: null,
      sandbox: false,
    });
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    expect(JSON.stringify(message)).toContain('&lt;!channel&gt; &amp; co');
    expect(picker(message.blocks)).toBeUndefined();
    expect(JSON.stringify(message.blocks)).toContain('None of them can be registered right now');
  });

  it('a total failure and invalid input say what to do', () => {
    expect(renderAvailabilityFailed('check', ERROR).text).toContain('Try again in a minute');
    const invalid = checkInvalid(
      [{ input: 'mail.acme.com', message: 'mail.acme.com is a subdomain; use acme.com.' }],
      2,
    );
    expect(invalid.text).toContain('Nothing was checked');
    expect(JSON.stringify(invalid.blocks)).toContain('the other 2 domains looked fine');
  });
});

describe('cheapestFirst', () => {
  it('sorts by price, keeps ties in order, puts unknown prices last', () => {
    expect(
      cheapestFirst([
        { id: 1, priceCents: 500 },
        { id: 2, priceCents: null },
        { id: 3, priceCents: 100 },
        { id: 4, priceCents: 500 },
      ]).map((row) => row.id),
    ).toEqual([3, 1, 4, 2]);
  });
});

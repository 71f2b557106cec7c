import { describe, expect, it } from 'vitest';
import { blockTextLength } from '../../src/views/blocks.js';
import {
  type ForwardingMessageModel,
  renderForwardingMessage,
  renderForwardingOrderReply,
  renderForwardRefused,
} from '../../src/views/forwarding-message.js';
import { SWAP_ACTION } from '../../src/views/ids.js';
import { LIMITS } from '../../src/views/limits.js';
import { renderRenameForm } from '../../src/views/rename-modal.js';
import {
  renderRenameActionRequired,
  renderSwapActionRequired,
  renderSwapCompleted,
  renderSwapFailed,
  renderSwapStarted,
  type SwapView,
  withSwappedDomains,
} from '../../src/views/swap-messages.js';
import { renderSwapForm, renderSwapReview, type SwapReviewModel } from '../../src/views/swap-modal.js';

const model = (patch: Partial<ForwardingMessageModel> = {}): ForwardingMessageModel => ({
  audience: 'ops',
  url: 'https://acme.com/<welcome>&',
  total: 30,
  completed: 28,
  failed: [
    { domain: '<!channel>.com', reason: 'dns_lookup_failed' },
    { domain: 'b.com', reason: 'weird_thing' },
  ],
  jobs: [
    { jobId: 'fwj_1', status: 'partial_success', domains: 25, error: null },
    {
      jobId: null,
      status: 'rejected',
      domains: 5,
      error: { code: 'invalid_target', message: 'Nope <b>', requestId: 'req_9', field: 'forwarding_url' },
    },
  ],
  finished: true,
  requestedBy: 'UOPS',
  sandbox: true,
  ...patch,
});

const swap: SwapView = {
  swapId: 'swp_1',
  type: 'premium',
  domain: 'old-acme.com',
  replacement: 'new<acme>.com',
  reason: 'replacement_not_imported',
  warmUntil: '2026-05-22T12:00:00Z',
  requestedBy: 'UOPS',
};

describe('the forwarding job message', () => {
  it('ops: counts, each failure with reason and fix, the refused batch with code and request ID, escaped', () => {
    const message = renderForwardingMessage(model());
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('28 of 30 domains repointed, 2 failed');
    expect(text).toContain('&lt;!channel&gt;.com — not resolving');
    expect(text).toContain('re-import it or wait until it resolves');
    expect(text).toContain('weird thing');
    expect(text).toContain('invalid_target');
    expect(text).toContain('req_9');
    expect(text).toContain('Nope &lt;b&gt;');
    expect(text).toContain('https://acme.com/&lt;welcome&gt;&amp;');
    expect(text).toContain('fwj_1');
    expect(text).not.toContain('<!channel>');
  });

  it('customer channels: no job IDs, codes, request IDs or Peeker reason codes', () => {
    const message = renderForwardingMessage(model({ audience: 'customer' }));
    const text = `${message.text}${JSON.stringify(message.blocks)}`;
    for (const hidden of ['fwj_', 'req_', 'invalid_target', 'dns_lookup_failed', 'weird', 'UOPS']) {
      expect(text).not.toContain(hidden);
    }
    expect(text).toContain('not resolving yet');
    const reply = renderForwardingOrderReply({
      audience: 'customer',
      url: 'https://acme.com',
      completed: ['a.com', 'c.com'],
      failed: [{ domain: 'b.com', reason: 'dns_lookup_failed' }],
    });
    expect(reply.text).toContain('2 domains now forward to https://acme.com');
    expect(reply.text).not.toContain('dns_lookup_failed');
  });

  it('500 failed domains still fit Slack: one message within the block and text limits', () => {
    const failed = Array.from({ length: 500 }, (_, i) => ({
      domain: `failed-domain-${i}-acme.com`,
      reason: 'dns_lookup_failed',
    }));
    const message = renderForwardingMessage(model({ total: 500, completed: 0, failed }));
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlockText);
    expect(JSON.stringify(message.blocks)).toContain('…and 460 more');
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.messageText);
  });

  it('refusals name every problem at once', () => {
    const text = renderForwardRefused({
      unknown: ['x.com'],
      notConnected: ['y.com'],
      emptyOrders: ['ord_2'],
      unknownOrders: ['ord_3'],
    }).text;
    for (const name of ['x.com', 'y.com', 'ord_2', 'ord_3', 'Nothing was changed'])
      expect(text).toContain(name);
  });
});

describe('swap and rename replies', () => {
  it('ops replies carry the swap, the reason and the import button; customers see neither', () => {
    expect(renderSwapStarted(swap, 'ops').text).toContain('swp_1');
    expect(renderSwapStarted(swap, 'customer').text).not.toContain('swp_');
    const ops = renderSwapActionRequired(swap, 'ops');
    expect(JSON.stringify(ops.blocks)).toContain(SWAP_ACTION.importReplacement);
    expect(ops.text).toContain('new&lt;acme&gt;.com is not imported yet');
    const customer = renderSwapActionRequired(swap, 'customer');
    expect(customer.blocks).toBeUndefined();
    expect(customer.text).not.toMatch(/swp_|replacement_not_imported|import/i);
    expect(renderSwapFailed({ ...swap, reason: 'registrar_error' }, 'customer').text).not.toContain(
      'registrar',
    );
    expect(renderSwapFailed({ ...swap, reason: 'registrar_error' }, 'ops').text).toContain('registrar error');
    const rename = renderRenameActionRequired(
      { domain: 'a.com', reason: 'profile_picture_not_accessible', renameId: 3 },
      'customer',
    );
    expect(rename.blocks).toBeUndefined();
    expect(
      JSON.stringify(
        renderRenameActionRequired({ domain: 'a.com', reason: null, renameId: 3 }, 'ops').blocks,
      ),
    ).toContain(SWAP_ACTION.fixRename);
  });

  it('a premium swap says until when the old domain stays warm; the parent lists the swap', () => {
    expect(renderSwapCompleted(swap).text).toContain('stays warm alongside it until May 22, 2026');
    expect(renderSwapCompleted({ ...swap, type: 'standard' }).text).not.toContain('warm');
    const parent = withSwappedDomains(
      {
        text: 't',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'x' } },
          { type: 'context', elements: [] },
        ],
      },
      [
        {
          domain: 'old-acme.com',
          replacement: 'new-acme.com',
          type: 'premium',
          warmUntil: '2026-05-22T00:00:00Z',
        },
      ],
    );
    expect(parent.blocks[1]?.type).toBe('section');
    expect(JSON.stringify(parent.blocks[1])).toContain(
      'new-acme.com replaced old-acme.com (kept warm until May 22, 2026)',
    );
  });
});

describe('the swap and rename modals', () => {
  const review: SwapReviewModel = {
    orderId: 'ord_1',
    customerEmail: 'alex@acme.com',
    channelId: 'C0CUST',
    domain: 'old-acme.com',
    provider: 'microsoft',
    replacement: 'new-acme.com',
    source: { kind: 'register', priceCents: 1300, renewalCents: 1500, currency: 'usd' },
    type: 'premium',
    canSwap: true,
    approvers: [],
    sandbox: false,
  };

  it('the review shows the price and what happens; without approval there is no button', () => {
    const view = renderSwapReview(review);
    const text = JSON.stringify(view);
    expect(text).toContain('$13.00 the first year, then $15.00 a year');
    expect(text).toContain('stays warm for 14 days');
    expect(view.submit?.text).toBe('Swap domain');
    const locked = renderSwapReview({ ...review, canSwap: false, approvers: ['UBOSS'] });
    expect(locked.submit).toBeUndefined();
    expect(JSON.stringify(locked)).toContain('<@UBOSS>');
  });

  it('the form keeps the modal limits (option texts, descriptions) and shows errors under their field', () => {
    const view = renderSwapForm({
      orderId: 'ord_1',
      customerEmail: null,
      channelId: null,
      domains: Array.from({ length: 150 }, (_, i) => ({ domain: `d${i}-acme.com`, provider: 'google' })),
      selected: 'd3-acme.com',
      replacement: '',
      type: 'standard',
      fieldErrors: { type: 'Premium <no>' },
      sandbox: false,
    });
    const text = JSON.stringify(view);
    expect(text).toContain('⚠️ Premium &lt;no&gt;');
    const select = view.blocks.find((block) => block.block_id === 'swap_domain') as {
      element: { options: unknown[] };
    };
    expect(select.element.options).toHaveLength(LIMITS.optionsPerSelect);
    for (const match of text.matchAll(/"description":\{"type":"plain_text","text":"([^"]*)"/g)) {
      expect((match[1] ?? '').length).toBeLessThanOrEqual(LIMITS.optionText);
    }
  });

  it('the rename form: persona rows pre-filled, 1–10, with its own add/remove buttons', () => {
    const view = renderRenameForm({
      domain: 'a.com',
      orderId: 'ord_1',
      customerEmail: null,
      channelId: null,
      personaCount: 12,
      personas: [{ firstName: 'Sam', lastName: 'Lee', pictureUrl: '' }],
      sandbox: false,
    });
    const text = JSON.stringify(view);
    expect(text).toContain('persona_9_first');
    expect(text).not.toContain('persona_10_first');
    expect(text).toContain(SWAP_ACTION.removePersona);
    expect(text).not.toContain(SWAP_ACTION.addPersona);
    expect(text).toContain('"initial_value":"Sam"');
  });
});

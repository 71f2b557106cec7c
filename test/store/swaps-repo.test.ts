import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createLiveDomainsRepo, type LiveDomainsRepo } from '../../src/store/live-domains-repo.js';
import { createSwapsRepo, type NewSwapClaim, type SwapsRepo } from '../../src/store/swaps-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
let swaps: SwapsRepo;
let live: LiveDomainsRepo;
beforeEach(() => {
  const db = openDatabase(':memory:');
  swaps = createSwapsRepo(db);
  live = createLiveDomainsRepo(db);
});

const claim = (patch: Partial<NewSwapClaim> = {}): NewSwapClaim => ({
  kind: 'swap',
  type: 'standard',
  domain: 'old.com',
  domainId: 'dom_old',
  orderId: 'ord_1',
  replacement: 'new.com',
  personas: null,
  requestedBy: 'UOPS',
  viewId: 'V1',
  ...patch,
});

describe('swap requests', () => {
  it('one claim per view and one in flight per domain; a refused claim frees both', () => {
    const first = swaps.claim(claim(), T0);
    expect(first?.isNew).toBe(true);
    expect(swaps.claim(claim(), T0)).toEqual({ request: first?.request, isNew: false });
    expect(swaps.claim(claim({ viewId: 'V2' }), T0)).toBeUndefined();
    // A rename of the same domain is another kind of request.
    expect(swaps.claim(claim({ kind: 'rename', type: 'user_names', viewId: 'V3' }), T0)?.isNew).toBe(true);
    const request = first!.request;
    swaps.saveRequest(
      { ...request, state: 'rejected', error: { code: 'x', message: 'no', field: null, requestId: null } },
      T0,
    );
    expect(swaps.forView('V1')).toBeUndefined();
    expect(swaps.claim(claim(), T0)?.isNew).toBe(true);
    expect(swaps.submitting().map((r) => r.kind)).toEqual(['rename', 'swap']);
  });

  it('knows the last premium swap of a domain (the 30-day cooldown), unless it failed', () => {
    const premium = swaps.claim(claim({ type: 'premium' }), T0)!.request;
    swaps.saveRequest({ ...premium, state: 'submitted' }, T0);
    expect(swaps.premiumSwapSince('old.com', T0 - 1)?.id).toBe(premium.id);
    expect(swaps.premiumSwapSince('old.com', T0 + 1)).toBeUndefined();
    swaps.insertRow(
      {
        id: 'swp_1',
        requestId: premium.id,
        type: 'premium',
        domain: 'old.com',
        domainId: 'dom_old',
        orderId: 'ord_1',
        replacement: 'new.com',
        status: 'failed',
        statusAt: null,
        reason: 'x',
        nextCheckAt: null,
      },
      T0,
    );
    expect(swaps.premiumSwapSince('old.com', T0 - 1)).toBeUndefined();
  });

  it('lists failed swaps since a time, for the digest', () => {
    const request = swaps.claim(claim(), T0)!.request;
    swaps.insertRow(
      {
        id: 'swp_1',
        requestId: request.id,
        type: 'standard',
        domain: 'old.com',
        domainId: 'dom_old',
        orderId: 'ord_1',
        replacement: 'new.com',
        status: 'created',
        statusAt: null,
        reason: null,
        nextCheckAt: T0,
      },
      T0,
    );
    const row = swaps.row('swp_1')!;
    swaps.saveRow({
      ...row,
      status: 'failed',
      reason: 'registrar_error',
      finishedAt: T0 + 5000,
      updatedAt: T0 + 5000,
      nextCheckAt: null,
    });
    expect(swaps.failedSwapsSince(T0)).toEqual([
      {
        swapId: 'swp_1',
        kind: 'swap',
        type: 'standard',
        domain: 'old.com',
        replacement: 'new.com',
        orderId: 'ord_1',
        reason: 'registrar_error',
        requestedBy: 'UOPS',
        finishedAt: T0 + 5000,
      },
    ]);
    expect(swaps.failedSwapsSince(T0 + 6000)).toEqual([]);
    expect(swaps.dueForCheck(T0 + 10_000, 10)).toEqual([]);
  });
});

describe('live domains', () => {
  it('fills in what a report knows; a late report does not bring back a swapped-out domain', () => {
    live.recordConnected(
      { domain: 'Old.com', domainId: null, orderId: 'ord_1', provider: null, forwardingUrl: 'https://a.com' },
      T0,
    );
    live.recordConnected(
      { domain: 'old.com', domainId: 'dom_old', orderId: null, provider: 'microsoft', forwardingUrl: null },
      T0,
    );
    expect(live.get('old.com')).toMatchObject({
      domainId: 'dom_old',
      orderId: 'ord_1',
      provider: 'microsoft',
      state: 'connected',
      forwardingUrl: 'https://a.com',
    });
    live.markReplaced('old.com', 'retired', null, T0);
    live.recordConnected(
      { domain: 'old.com', domainId: 'dom_old', orderId: 'ord_1', provider: null, forwardingUrl: null },
      T0,
    );
    expect(live.get('old.com')?.state).toBe('retired');
    expect(live.connectedOfOrder('ord_1')).toEqual([]);
    expect(live.byDomainId('dom_old')?.domain).toBe('old.com');
  });

  it('a forwarding change it saw confirmed wins over an older report', () => {
    live.recordConnected(
      {
        domain: 'a.com',
        domainId: 'dom_a',
        orderId: 'ord_1',
        provider: 'google',
        forwardingUrl: 'https://old.com',
      },
      T0,
    );
    live.setForwardingUrl('a.com', 'https://new.com', T0 + 1);
    live.recordConnected(
      {
        domain: 'a.com',
        domainId: 'dom_a',
        orderId: 'ord_1',
        provider: 'google',
        forwardingUrl: 'https://old.com',
      },
      T0 + 2,
    );
    expect(live.get('a.com')).toMatchObject({
      forwardingUrl: 'https://new.com',
      forwardingChangedAt: T0 + 1,
    });
    live.setForwardingUrl('unknown.com', 'https://new.com', T0);
    expect(live.get('unknown.com')?.forwardingUrl).toBe('https://new.com');
  });
});

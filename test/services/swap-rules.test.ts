import { describe, expect, it } from 'vitest';
import { checkSwapRules, PREMIUM_COOLDOWN_MS, type SwapFacts } from '../../src/services/swap-rules.js';

const NOW = Date.parse('2026-05-08T12:00:00Z');
const facts = (patch: Partial<SwapFacts> = {}): SwapFacts => ({
  domain: { domain: 'acme-mail.com', provider: 'microsoft' },
  replacement: 'acme-fresh.com',
  type: 'standard',
  lastPremiumAt: undefined,
  replacementOnOrder: false,
  swapInFlight: false,
  ...patch,
});

describe('what makes a swap impossible, known before any call', () => {
  it('accepts a plain standard or premium swap of a Microsoft domain', () => {
    expect(checkSwapRules(facts())).toEqual({});
    expect(checkSwapRules(facts({ type: 'premium' }))).toEqual({});
  });

  it('premium: Microsoft only, and once per 30 days', () => {
    expect(
      checkSwapRules(facts({ type: 'premium', domain: { domain: 'g.com', provider: 'google' } })).type,
    ).toContain('Microsoft domains only; g.com is on Google');
    const last = NOW - 3 * 24 * 3600_000;
    const cooled = checkSwapRules(facts({ type: 'premium', lastPremiumAt: last }));
    expect(cooled.type).toContain('2026-05-05');
    expect(cooled.type).toContain(new Date(last + PREMIUM_COOLDOWN_MS).toISOString().slice(0, 10));
    // A provider we do not know is Peeker's to judge.
    expect(checkSwapRules(facts({ type: 'premium', domain: { domain: 'x.com', provider: null } }))).toEqual(
      {},
    );
    // Standard swaps have neither rule.
    expect(
      checkSwapRules(facts({ domain: { domain: 'g.com', provider: 'google' }, lastPremiumAt: last })),
    ).toEqual({});
  });

  it('the replacement: given, a root domain, not itself, not on an order', () => {
    expect(checkSwapRules(facts({ replacement: '' })).replacement).toContain('Enter the domain');
    expect(checkSwapRules(facts({ replacement: 'mail.acme.com' })).replacement).toContain('acme.com');
    expect(checkSwapRules(facts({ replacement: 'acme-mail.com' })).replacement).toContain(
      'cannot replace itself',
    );
    expect(checkSwapRules(facts({ replacementOnOrder: true })).replacement).toContain('already on an order');
  });

  it('the domain: a connected domain of the order, not being swapped already', () => {
    expect(checkSwapRules(facts({ domain: undefined })).domain).toContain('connected domain');
    expect(checkSwapRules(facts({ swapInFlight: true })).domain).toContain('being swapped right now');
  });
});

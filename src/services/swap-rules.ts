/**
 * What the app knows makes a swap impossible, checked before any call to Peeker
 * (https://docs.peeker.ai/api-reference/domain-swaps/creating-a-domain-swap): premium is for
 * Microsoft domains only, with a 30-day cooldown per domain; a replacement must be a root domain,
 * not the domain itself, and not already on an order. Pure: the caller gathers the facts. Each
 * problem is keyed by the field it belongs to; messages are plain text (modal errors are not
 * mrkdwn) and short.
 */
import { validateRootDomain } from '../parsing/domains.js';

export const PREMIUM_COOLDOWN_MS = 30 * 24 * 3600_000;

export type SwapField = 'domain' | 'replacement' | 'type';

export interface SwapFacts {
  /** The domain to retire, as the app knows it (undefined: not a connected domain of the order). */
  domain: { domain: string; provider: string | null } | undefined;
  /** Normalised replacement ('' when none was given). */
  replacement: string;
  type: 'standard' | 'premium';
  /** When the domain's last premium swap (that did not fail) was asked for, if within 30 days. */
  lastPremiumAt: number | undefined;
  /** The replacement is on a live order already (or a swap is bringing it in). */
  replacementOnOrder: boolean;
  /** A swap of this domain is being sent right now. */
  swapInFlight: boolean;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function checkSwapRules(facts: SwapFacts): Partial<Record<SwapField, string>> {
  const problems: Partial<Record<SwapField, string>> = {};
  const domain = facts.domain;
  if (!domain) problems.domain = 'Pick a connected domain of this order.';
  else if (facts.swapInFlight)
    problems.domain = `${domain.domain} is being swapped right now. Wait for Peeker's answer.`;

  if (facts.replacement === '')
    problems.replacement = 'Enter the domain that replaces it, like acme-fresh.com.';
  else {
    const invalid = validateRootDomain(facts.replacement);
    if (invalid) problems.replacement = invalid.message;
    else if (domain && facts.replacement === domain.domain) {
      problems.replacement = 'A domain cannot replace itself. Pick another domain.';
    } else if (facts.replacementOnOrder) {
      problems.replacement = `${facts.replacement} is already on an order. Pick a domain that is not in use.`;
    }
  }

  if (facts.type === 'premium' && domain) {
    if (domain.provider !== null && domain.provider !== 'microsoft') {
      problems.type = `Premium swaps are for Microsoft domains only; ${domain.domain} is on ${domain.provider === 'google' ? 'Google' : domain.provider}. Use standard.`;
    } else if (facts.lastPremiumAt !== undefined) {
      problems.type = `${domain.domain} had a premium swap on ${day(facts.lastPremiumAt)}; the next is possible from ${day(facts.lastPremiumAt + PREMIUM_COOLDOWN_MS)}. Use standard.`;
    }
  }
  return problems;
}

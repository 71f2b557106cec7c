/**
 * Reads the swap form's `view.state.values` (block IDs in `views/ids.ts` `SWAP_BLOCK`, every
 * element with `action_id` `value`). Nothing here throws: the payload is whatever Slack (or a
 * forger) sent; anything missing reads as ''.
 */
import { SWAP_BLOCK } from '../views/ids.js';
import { normalizeDomain } from './domains.js';
import { readSelected, readText } from './view-state.js';

export interface SwapFormValues {
  /** The domain to retire (a select of the order's domains). */
  domain: string;
  /** The replacement as typed, normalised like any domain entry ('' when empty). */
  replacement: string;
  type: 'standard' | 'premium';
}

export function readSwapForm(values: unknown): SwapFormValues {
  const typed = readText(values, SWAP_BLOCK.replacement).trim();
  const replacement = typed !== '' ? normalizeDomain(typed) : '';
  return {
    domain: readSelected(values, SWAP_BLOCK.domain).toLowerCase(),
    replacement,
    type: readSelected(values, SWAP_BLOCK.type) === 'premium' ? 'premium' : 'standard',
  };
}

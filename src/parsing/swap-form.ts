/**
 * Reads the swap form's `view.state.values` (block IDs in `views/ids.ts` `SWAP_BLOCK`, every
 * element with `action_id` `value`). Nothing here throws: the payload is whatever Slack (or a
 * forger) sent; anything missing reads as ''.
 */
import { ACTION, SWAP_BLOCK } from '../views/ids.js';
import { normalizeDomain } from './domains.js';

export interface SwapFormValues {
  /** The domain to retire (a select of the order's domains). */
  domain: string;
  /** The replacement as typed, normalised like any domain entry ('' when empty). */
  replacement: string;
  type: 'standard' | 'premium';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const own = (record: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(record, key) ? record[key] : undefined;

function element(values: unknown, blockId: string): Record<string, unknown> {
  if (!isRecord(values)) return {};
  const block = own(values, blockId);
  if (!isRecord(block)) return {};
  const state = own(block, ACTION.value);
  return isRecord(state) ? state : {};
}

function selectedValue(values: unknown, blockId: string): string {
  const selected = own(element(values, blockId), 'selected_option');
  const value = isRecord(selected) ? own(selected, 'value') : undefined;
  return typeof value === 'string' ? value : '';
}

export function readSwapForm(values: unknown): SwapFormValues {
  const typed = own(element(values, SWAP_BLOCK.replacement), 'value');
  const replacement = typeof typed === 'string' && typed.trim() !== '' ? normalizeDomain(typed.trim()) : '';
  return {
    domain: selectedValue(values, SWAP_BLOCK.domain).toLowerCase(),
    replacement,
    type: selectedValue(values, SWAP_BLOCK.type) === 'premium' ? 'premium' : 'standard',
  };
}

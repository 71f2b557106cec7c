/**
 * Readers for a submitted modal's `view.state.values`: `values[blockId][ACTION.value]`, the state
 * of the block's only element (every input of our modals uses `action_id` `value`). Nothing here
 * throws or trusts the shape: the payload is whatever Slack — or someone forging a request — sent;
 * anything missing or malformed reads as '' or [].
 */
import { ACTION } from '../views/ids.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only: a forged payload must not reach `Object.prototype` through a block ID. */
export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The element state of one input block, or {} when absent. */
export function elementState(values: unknown, blockId: string): Record<string, unknown> {
  if (!isRecord(values)) return {};
  const block = own(values, blockId);
  if (!isRecord(block)) return {};
  const state = own(block, ACTION.value);
  return isRecord(state) ? state : {};
}

/** A text, email, URL or number input's value ('' when empty). */
export function readText(values: unknown, blockId: string): string {
  const value = own(elementState(values, blockId), 'value');
  return typeof value === 'string' ? value : '';
}

/** A single select's chosen value ('' when none). */
export function readSelected(values: unknown, blockId: string): string {
  const selected = own(elementState(values, blockId), 'selected_option');
  const value = isRecord(selected) ? own(selected, 'value') : undefined;
  return typeof value === 'string' ? value : '';
}

/** A multi-select's chosen values. */
export function readMultiSelected(values: unknown, blockId: string): string[] {
  const selected = own(elementState(values, blockId), 'selected_options');
  if (!Array.isArray(selected)) return [];
  return selected.flatMap((option: unknown) => {
    const value = isRecord(option) ? own(option, 'value') : undefined;
    return typeof value === 'string' ? [value] : [];
  });
}

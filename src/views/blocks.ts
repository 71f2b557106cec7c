import type {
  Button,
  EmailInput,
  InputBlock,
  InputBlockElement,
  KnownBlock,
  ModalView,
  NumberInput,
  PlainTextInput,
  URLInput,
} from '@slack/types';
import { LIMITS } from './limits.js';
import { context, plainText, truncate } from './text.js';

/** A message: the notification/fallback `text` Slack requires next to the blocks. */
export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

/** An input block with a label, an optional hint and Slack's `optional` flag. */
export function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  options: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plainText(label),
    element,
    ...(options.optional ? { optional: true } : {}),
    ...(options.hint ? { hint: plainText(options.hint) } : {}),
  };
}

/** Sets `initial_value` only when there is one: an empty initial value is noise at best. */
export function withInitial<T extends EmailInput | URLInput | PlainTextInput | NumberInput>(
  element: T,
  value: string,
): T {
  return value === '' ? element : { ...element, initial_value: value };
}

export function button(
  text: string,
  actionId: string,
  options: { value?: string; style?: 'primary' | 'danger' } = {},
): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plainText(text, LIMITS.buttonText),
    ...(options.value !== undefined ? { value: options.value } : {}),
    ...(options.style ? { style: options.style } : {}),
  };
}

/** A modal, with every length limit applied (titles and buttons 24 characters, 100 blocks). */
export function modal(spec: {
  title: string;
  callbackId: string;
  close: string;
  submit?: string;
  clearOnClose?: boolean;
  privateMetadata?: string;
  blocks: KnownBlock[];
}): ModalView {
  return {
    type: 'modal',
    callback_id: spec.callbackId,
    title: plainText(spec.title, LIMITS.modalTitle),
    close: plainText(spec.close, LIMITS.modalTitle),
    ...(spec.submit ? { submit: plainText(spec.submit, LIMITS.modalTitle) } : {}),
    ...(spec.clearOnClose ? { clear_on_close: true } : {}),
    ...(spec.privateMetadata ? { private_metadata: spec.privateMetadata } : {}),
    blocks: spec.blocks.slice(0, LIMITS.blocksPerModal),
  };
}

/** Marks ops-facing views when the API key is a sandbox (`pk_test_`) key. */
export const SANDBOX_MARKER = '🧪 _Sandbox: Peeker test key_';

/** What a `view_submission` is acknowledged with (the `response_action`s we use). */
export type ViewAck =
  | { response_action: 'errors'; errors: Record<string, string> }
  | { response_action: 'push' | 'update'; view: ModalView }
  | undefined;

/**
 * Characters of text in a list of blocks: every `text` string anywhere in them (section text and
 * fields, context elements, headers, buttons), which is what Slack's total is about.
 */
export function blockTextLength(blocks: readonly unknown[]): number {
  let total = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') total += value.length;
        else visit(value);
      }
    }
  };
  visit(blocks);
  return total;
}

/** How much block text a compacted message keeps. */
const COMPACT_BUDGET = 4_000;

/**
 * A message Slack refused as too long (`msg_blocks_too_long`, `invalid_blocks`), cut down to fit:
 * its blocks in order while they fit a small budget, then a note. Better a shorter message than
 * none: the customer still sees the start and the status, and the thread has the rest.
 */
export function compactMessage(message: RenderedMessage): RenderedMessage {
  const kept: KnownBlock[] = [];
  let used = 0;
  for (const block of message.blocks) {
    const size = blockTextLength([block]);
    if (used + size > COMPACT_BUDGET) break;
    kept.push(block);
    used += size;
  }
  // The last block is usually the status line: keep it when it fits.
  const last = message.blocks.at(-1);
  if (last && !kept.includes(last) && blockTextLength([last]) + used <= COMPACT_BUDGET + 500) kept.push(last);
  kept.push(context('_Shortened: the full message was too long for Slack._'));
  return { text: truncate(message.text, LIMITS.messageText), blocks: kept };
}

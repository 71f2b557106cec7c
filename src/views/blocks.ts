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
import { plainText } from './text.js';

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

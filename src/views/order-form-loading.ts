/** The order form's loading view, shown while bundles and verified domains load. */
import type { ModalView } from '@slack/types';
import { encodeFormMetadata } from '../parsing/interaction-payloads.js';
import { MIN_PERSONAS } from '../parsing/persona-rows.js';
import { modal } from './blocks.js';
import { ORDER_RESULT_CALLBACK } from './ids.js';
import { ORDER_FORM_TITLE } from './order-form-texts.js';
import { section } from './text.js';

/** The first view, opened right after `ack()` while bundles and domains load (trigger IDs last 3 s). */
export function renderOrderLoading(channelId: string): ModalView {
  return modal({
    title: ORDER_FORM_TITLE,
    callbackId: ORDER_RESULT_CALLBACK,
    close: 'Cancel',
    privateMetadata: encodeFormMetadata({ channelId, personaCount: MIN_PERSONAS }),
    blocks: [section('⏳ Loading bundles and verified domains from Peeker…')],
  });
}

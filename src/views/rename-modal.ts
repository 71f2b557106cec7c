/**
 * The rename modal of `/peeker rename <domain>`: the personas on that domain, 1–10 rows of first
 * name, last name and picture URL (the order form's fields, block IDs and limits), pre-filled with
 * the current ones; then the sending and outcome views. Pure.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { encodeRenameFormMetadata } from '../parsing/interaction-payloads.js';
import { MAX_PERSONAS, MIN_PERSONAS, type PersonaValues } from '../parsing/persona-rows.js';
import { modal, SANDBOX_MARKER } from './blocks.js';
import { RENAME_FORM_CALLBACK, SWAP_ACTION, SWAP_RESULT_CALLBACK } from './ids.js';
import { type PeekerErrorView, peekerErrorFacts } from './peeker-error.js';
import { personaInputs } from './persona-inputs.js';
import { channelLink, code, context, escapeMrkdwn, plural, section } from './text.js';

export const RENAME_TITLE = 'Rename personas';

export interface RenameFormModel {
  domain: string;
  orderId: string | null;
  customerEmail: string | null;
  channelId: string | null;
  personaCount: number;
  personas: PersonaValues[];
  /** Shown at the top, e.g. what to fix. Plain text; escaped here. */
  note?: string;
  /** The rename this one corrects (a stalled picture). */
  fixes?: number;
  peekerError?: PeekerErrorView;
  sandbox: boolean;
}

const clamp = (count: number) =>
  Math.min(MAX_PERSONAS, Math.max(MIN_PERSONAS, Number.isFinite(count) ? Math.trunc(count) : MIN_PERSONAS));

export function renderRenameInfo(text: string, title = RENAME_TITLE): ModalView {
  return modal({ title, callbackId: SWAP_RESULT_CALLBACK, close: 'Close', blocks: [section(text)] });
}

export function renderRenameLoading(): ModalView {
  return renderRenameInfo('⏳ Looking up the domain and its personas…');
}

export function renderRenameForm(model: RenameFormModel): ModalView {
  const personaCount = clamp(model.personaCount);
  const blocks: KnownBlock[] = [];
  if (model.note) blocks.push(section(`📝 ${escapeMrkdwn(model.note)}`));
  if (model.peekerError) {
    const error = model.peekerError;
    blocks.push(
      section(`❌ Peeker refused the rename: *${escapeMrkdwn(error.message)}*\n${peekerErrorFacts(error)}`),
    );
  }
  blocks.push(
    section(
      `The people on the inboxes of *${escapeMrkdwn(model.domain)}*. Inbox addresses follow the names (Jane Doe → jane.doe@…); DNS, warm-up history and the order stay as they are.`,
    ),
    context(
      [
        model.orderId ? `Order ${code(model.orderId)}` : '',
        model.customerEmail ? `customer ${escapeMrkdwn(model.customerEmail)}` : '',
        model.channelId ? `progress in the order's thread in ${channelLink(model.channelId)}` : '',
        model.sandbox ? SANDBOX_MARKER : '',
      ]
        .filter(Boolean)
        .join(' · ') || 'Rename',
    ),
  );
  blocks.push(
    ...personaInputs({
      count: personaCount,
      personas: model.personas,
      addActionId: SWAP_ACTION.addPersona,
      removeActionId: SWAP_ACTION.removePersona,
      actionsBlockId: 'rename_persona_actions',
    }),
  );
  return modal({
    title: RENAME_TITLE,
    callbackId: RENAME_FORM_CALLBACK,
    submit: 'Rename',
    close: 'Cancel',
    privateMetadata: encodeRenameFormMetadata({
      domain: model.domain,
      personaCount,
      ...(model.fixes ? { fixes: model.fixes } : {}),
    }),
    blocks,
  });
}

export function renderRenameSending(domain: string): ModalView {
  return renderRenameInfo(`⏳ Asking Peeker to rename the inboxes on ${escapeMrkdwn(domain)}…`);
}

export function renderRenamePlaced(model: {
  domain: string;
  inboxes: number;
  channelId: string | null;
}): ModalView {
  return renderRenameInfo(
    `✅ Renaming ${plural(model.inboxes, 'inbox', 'inboxes')} on ${escapeMrkdwn(model.domain)}.\n${
      model.channelId
        ? `Follow it in the order's thread in ${channelLink(model.channelId)}.`
        : 'The order is not followed in Slack, so no thread will show its progress.'
    }`,
    'Rename requested',
  );
}

export function renderRenamePending(model: { domain: string; error: PeekerErrorView }): ModalView {
  return renderRenameInfo(
    `⏳ Peeker has not confirmed the rename on ${escapeMrkdwn(model.domain)} yet (${code(model.error.code)}${model.error.requestId ? `, request ${code(model.error.requestId)}` : ''}).\nIt stays claimed: the app checks with Peeker and sends it once, never twice.`,
  );
}

import type { KnownBlock } from '@slack/types';
import { encodeImportReplacementValue, encodeRenameFixValue } from '../parsing/interaction-payloads.js';
import { button, type RenderedMessage } from './blocks.js';
import { formatDate } from './dates.js';
import { SWAP_ACTION } from './ids.js';
import { LIMITS } from './limits.js';
import {
  channelLink,
  code,
  context,
  escapeMrkdwn,
  joinLimited,
  plural,
  section,
  truncate,
  userLink,
} from './text.js';

/**
 * Swaps and renames in an order's thread: started, completed, failed, action required, and a
 * rename's "n of N inboxes renamed". `audience` decides what may be shown: a customer channel
 * never sees swap IDs, Peeker's reason codes or the fix buttons (the requester gets those by DM).
 */
export type SwapAudience = 'ops' | 'customer';

export interface SwapView {
  swapId: string;
  /** `standard` or `premium`. */
  type: string;
  domain: string;
  replacement: string | null;
  reason: string | null;
  warmUntil: string | null;
  requestedBy: string | null;
}

const reasonText = (reason: string | null) =>
  reason ? escapeMrkdwn(reason.replace(/_/g, ' ')) : 'no reason given';

/** The replacement is not imported: the usual cause of `swap.action_required`. */
export const REPLACEMENT_NOT_IMPORTED = 'replacement_not_imported';
export const PICTURE_NOT_ACCESSIBLE = 'profile_picture_not_accessible';

export function renderSwapStarted(view: SwapView, audience: SwapAudience): { text: string } {
  const pair = `${escapeMrkdwn(view.domain)} → ${escapeMrkdwn(view.replacement ?? 'a new domain')}`;
  if (audience === 'customer') {
    return {
      text: `🔁 Replacing ${escapeMrkdwn(view.domain)} with ${escapeMrkdwn(view.replacement ?? 'a new domain')}.`,
    };
  }
  return {
    text: `🔁 Swap started: ${pair} (${view.type === 'premium' ? 'premium — the old domain stays warm 14 days' : 'standard'})${view.requestedBy ? `, requested by ${userLink(view.requestedBy)}` : ''}. Swap ${code(view.swapId)}.`,
  };
}

export function renderSwapCompleted(view: SwapView): { text: string; broadcast?: boolean } {
  const replaced = `✅ ${escapeMrkdwn(view.replacement ?? 'The new domain')} replaced ${escapeMrkdwn(view.domain)}.`;
  if (view.type !== 'premium') return { text: `${replaced} The order and its inboxes carry on.` };
  const until = formatDate(view.warmUntil);
  return {
    text: `${replaced} ${escapeMrkdwn(view.domain)} stays warm alongside it${until ? ` until ${until}` : ' for 14 days'}.`,
  };
}

export function renderSwapFailed(view: SwapView, audience: SwapAudience): { text: string } {
  if (audience === 'customer') {
    return {
      text: `❌ Replacing ${escapeMrkdwn(view.domain)} could not be completed. Our team will follow up here.`,
    };
  }
  return {
    text: `❌ The swap of ${escapeMrkdwn(view.domain)} for ${escapeMrkdwn(view.replacement ?? '?')} failed: ${reasonText(view.reason)}. ${escapeMrkdwn(view.domain)} stays on the order; try another replacement, or contact Peeker support with swap ${code(view.swapId)}.`,
  };
}

/** What Peeker needs before the swap can go on, and how to give it. */
function swapActionText(view: SwapView): { what: string; fix: string; importable: boolean } {
  const replacement = escapeMrkdwn(view.replacement ?? 'the replacement');
  if (view.reason === REPLACEMENT_NOT_IMPORTED || view.reason === null) {
    return {
      what: `${replacement} is not imported yet.`,
      fix: `Import it into the customer's channel (the button posts the nameserver instructions there); Peeker finishes the swap by itself once ${replacement} is DNS-verified.`,
      importable: view.replacement !== null,
    };
  }
  return {
    what: `Peeker needs attention: ${reasonText(view.reason)}.`,
    fix: `If it is unclear what to do, contact Peeker support with swap ${code(view.swapId)}.`,
    importable: false,
  };
}

function importButton(view: SwapView) {
  return button(
    truncate(`Import ${view.replacement ?? 'replacement'}`, LIMITS.buttonText),
    SWAP_ACTION.importReplacement,
    {
      style: 'primary',
      value: encodeImportReplacementValue({ swap: view.swapId }),
    },
  );
}

/** `swap.action_required` in the order's thread (with the fix button in ops channels). */
export function renderSwapActionRequired(
  view: SwapView,
  audience: SwapAudience,
): { text: string; blocks?: KnownBlock[] } {
  if (audience === 'customer') {
    return {
      text: `⚠️ Replacing ${escapeMrkdwn(view.domain)} needs one more step from our side. We’ll follow up here.`,
    };
  }
  return renderSwapNotice(view);
}

/** The same, as a direct message to whoever asked for the swap (orders in customer channels). */
export function renderSwapNotice(view: SwapView, channelId?: string): { text: string; blocks: KnownBlock[] } {
  const { what, fix, importable } = swapActionText(view);
  const where = channelId ? ` (order in ${channelLink(channelId)})` : '';
  const text = `⚠️ The swap of ${escapeMrkdwn(view.domain)} for ${escapeMrkdwn(view.replacement ?? '?')} needs attention${where}: ${what}`;
  const blocks: KnownBlock[] = [section(`${text}\n*Fix:* ${fix}`), context(`Swap ${code(view.swapId)}`)];
  if (importable) blocks.push({ type: 'actions', elements: [importButton(view)] });
  return { text, blocks };
}

// ---- renames --------------------------------------------------------------------------------

export function renderRenameStarted(
  model: { domain: string; inboxes: number; requestedBy: string },
  audience: SwapAudience,
): { text: string } {
  const base = `✏️ Renaming ${plural(model.inboxes, 'inbox', 'inboxes')} on ${escapeMrkdwn(model.domain)}`;
  return { text: audience === 'ops' ? `${base} (requested by ${userLink(model.requestedBy)}).` : `${base}.` };
}

export function renderRenameProgress(model: { domain: string; done: number; total: number }): {
  text: string;
} {
  const done = model.done >= model.total;
  return {
    text: `${done ? '✅' : '✏️'} ${model.done} of ${plural(model.total, 'inbox', 'inboxes')} renamed on ${escapeMrkdwn(model.domain)}${done ? ' — all done.' : '.'}`,
  };
}

export function renderRenameRowFailed(
  model: { domain: string; reason: string | null; swapId: string },
  audience: SwapAudience,
): { text: string } {
  if (audience === 'customer') {
    return {
      text: `⚠️ One inbox on ${escapeMrkdwn(model.domain)} could not be renamed yet. Our team will follow up here.`,
    };
  }
  return {
    text: `⚠️ An inbox on ${escapeMrkdwn(model.domain)} could not be renamed: ${reasonText(model.reason)}. Rename again with \`/peeker rename ${escapeMrkdwn(model.domain)}\`, or contact Peeker support with swap ${code(model.swapId)}.`,
  };
}

function fixRenameButton(renameId: number) {
  return button('Fix the personas', SWAP_ACTION.fixRename, {
    style: 'primary',
    value: encodeRenameFixValue({ rename: renameId }),
  });
}

/** A rename row stalled (`swap.action_required`), usually on a profile picture Peeker cannot fetch. */
export function renderRenameActionRequired(
  model: { domain: string; reason: string | null; renameId: number },
  audience: SwapAudience,
): { text: string; blocks?: KnownBlock[] } {
  if (audience === 'customer') {
    return {
      text:
        model.reason === PICTURE_NOT_ACCESSIBLE
          ? `⚠️ We need a publicly accessible profile picture to finish renaming the inboxes on ${escapeMrkdwn(model.domain)}. We’ll be in touch.`
          : `⚠️ Renaming the inboxes on ${escapeMrkdwn(model.domain)} needs one more step from our side.`,
    };
  }
  return renderRenameNotice(model);
}

export function renderRenameNotice(
  model: { domain: string; reason: string | null; renameId: number },
  channelId?: string,
): { text: string; blocks: KnownBlock[] } {
  const where = channelId ? ` (order in ${channelLink(channelId)})` : '';
  const what =
    model.reason === PICTURE_NOT_ACCESSIBLE
      ? 'a profile picture is not publicly accessible'
      : `Peeker needs attention (${reasonText(model.reason)})`;
  const text = `⚠️ Renaming the inboxes on ${escapeMrkdwn(model.domain)} stalled${where}: ${what}.`;
  return {
    text,
    blocks: [
      section(
        `${text}\n*Fix:* get a public image URL (https) and send the rename again — the form opens pre-filled.`,
      ),
      { type: 'actions', elements: [fixRenameButton(model.renameId)] },
    ],
  };
}

// ---- the order's status message ---------------------------------------------------------------

/** The order's status message with its completed swaps listed under the counts. */
export function withSwappedDomains(
  message: RenderedMessage,
  swaps: readonly { domain: string; replacement: string | null; type: string; warmUntil: string | null }[],
): RenderedMessage {
  if (swaps.length === 0) return message;
  const lines = swaps.map((swap) => {
    const until = swap.type === 'premium' ? formatDate(swap.warmUntil) : undefined;
    return `${escapeMrkdwn(swap.replacement ?? '?')} replaced ${escapeMrkdwn(swap.domain)}${swap.type === 'premium' ? ` (kept warm${until ? ` until ${until}` : ''})` : ''}`;
  });
  const block = section(`🔁 *Swapped:* ${joinLimited(lines, 8, '; ')}`);
  // After the fields, before the closing context (the order ID line) when there is one.
  const blocks = [...message.blocks];
  const at =
    blocks.length > 0 && blocks[blocks.length - 1]?.type === 'context' ? blocks.length - 1 : blocks.length;
  blocks.splice(at, 0, block);
  return { text: message.text, blocks: blocks.slice(0, LIMITS.blocksPerMessage) };
}

/** A DM about a fix that is no longer needed (the swap or rename went on). `what` is plain text. */
export function renderSwapResolvedNotice(what: string): { text: string; blocks: KnownBlock[] } {
  const text = `✅ ${escapeMrkdwn(what)} no longer needs anything from you; its order's thread has the rest.`;
  return { text, blocks: [section(text)] };
}

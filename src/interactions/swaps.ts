import type {
  AllMiddlewareArgs,
  App,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import {
  decodeImportReplacementValue,
  decodeRenameFixValue,
  decodeSwapDomainValue,
} from '../parsing/interaction-payloads.js';
import type { CommandRunner } from '../services/command-runner.js';
import { IMPORT_COMMAND, type ImportCommandArgs } from '../services/import-service.js';
import type { RenameSession } from '../services/rename-session.js';
import type { SwapSession } from '../services/swap-session.js';
import { classifySlackError } from '../slack/slack-errors.js';
import { guardStorage } from '../slack/storage-guard.js';
import type { CommandsRepo } from '../store/commands-repo.js';
import type { SwapsRepo } from '../store/swaps-repo.js';
import { RENAME_FORM_CALLBACK, SWAP_ACTION, SWAP_FORM_CALLBACK, SWAP_REVIEW_CALLBACK } from '../views/ids.js';
import { channelLink, escapeMrkdwn, section } from '../views/text.js';
import type { InteractionDeps } from './context.js';

/** What the swap and rename listeners need. */
export interface ChangeInteractionDeps {
  swapSession: SwapSession;
  renameSession: RenameSession;
  swaps: SwapsRepo;
  commands: CommandsRepo;
  runner: CommandRunner;
}

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** An ephemeral answer to whoever clicked (through the message's `response_url`, else `chat.postEphemeral`). */
async function tellClicker(args: ButtonArgs, text: string): Promise<void> {
  const message = { text, blocks: [section(text)] };
  if (typeof args.respond === 'function' && args.body.response_url) {
    await args
      .respond({ response_type: 'ephemeral', replace_original: false, ...message })
      .catch(() => undefined);
    return;
  }
  const channel = args.body.channel?.id;
  if (!channel) return;
  await args.client.chat
    .postEphemeral({ channel, user: args.body.user.id, ...message })
    .catch(() => undefined);
}

/**
 * The swap and rename modals' listeners and their buttons: thin adapters from Slack payloads to
 * the sessions. Submissions answer inside the 3 s window (checks that need Peeker, and the one
 * `POST`, run after the acknowledgement and edit the modal with the outcome).
 */
export function registerSwaps(app: App, deps: InteractionDeps): void {
  const changes = deps.changes;
  if (!changes) return;

  app.view<ViewSubmitAction>(
    SWAP_FORM_CALLBACK,
    guardStorage<ViewArgs>(deps.storage, deps.logger, async ({ ack, body, view }) => {
      const { ack: answer, afterAck } = changes.swapSession.submitForm(view, body.user.id);
      await ack(answer);
      await afterAck?.().catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'checking a swap failed'),
      );
    }),
  );

  app.view<ViewSubmitAction>(
    SWAP_REVIEW_CALLBACK,
    guardStorage<ViewArgs>(deps.storage, deps.logger, async ({ ack, body, view }) => {
      const { ack: answer, afterAck } = changes.swapSession.confirm(view, body.user.id);
      await ack(answer);
      await afterAck?.().catch((error: unknown) => deps.logger.warn({ err: error }, 'sending a swap failed'));
    }),
  );

  app.view<ViewSubmitAction>(
    RENAME_FORM_CALLBACK,
    guardStorage<ViewArgs>(deps.storage, deps.logger, async ({ ack, body, view }) => {
      const { ack: answer, afterAck } = changes.renameSession.submit(view, body.user.id);
      await ack(answer);
      await afterAck?.().catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'sending a rename failed'),
      );
    }),
  );

  /** "Swap this domain" on a `replace_domain` pending action: the swap form, pre-filled. */
  app.action<BlockButtonAction>(SWAP_ACTION.swapDomain, async (args) => {
    await args.ack();
    const value = decodeSwapDomainValue(args.action.value);
    if (!value) return;
    await changes.swapSession
      .openForOrder(
        args.body.trigger_id,
        value.order,
        value.domain,
        value.domain ? `Peeker asked to replace ${value.domain}. Pick its replacement.` : undefined,
      )
      .catch(async (error: unknown) => {
        const code = classifySlackError(error).error;
        deps.logger.warn({ code }, 'could not open the swap form');
        await tellClicker(
          args,
          `I couldn’t open the swap form (Slack said \`${code}\`). Try \`/peeker swap\`.`,
        );
      });
  });

  /**
   * "Import <replacement>" on a swap waiting for its replacement: the normal import flow, into the
   * order's customer channel (nameserver instructions posted there, followed to DNS verified);
   * Peeker then resolves the swap by itself.
   */
  app.action<BlockButtonAction>(
    SWAP_ACTION.importReplacement,
    guardStorage<ButtonArgs>(deps.storage, deps.logger, async (args) => {
      await args.ack();
      const value = decodeImportReplacementValue(args.action.value);
      const row = value ? changes.swaps.row(value.swap) : undefined;
      const order = row?.orderId ? deps.orders.get(row.orderId) : undefined;
      if (!row?.replacement || !order) {
        return tellClicker(
          args,
          'I can’t find that swap’s order any more, so I can’t tell where to import the domain.',
        );
      }
      const importArgs: ImportCommandArgs = { domains: [row.replacement], channelId: order.channelId };
      const { command, isNew } = changes.commands.record({
        // A Slack retry of the same click imports once; a second click finds the import already followed.
        dedupeKey: `swap-import:${row.id}:${args.action.action_ts}`,
        kind: IMPORT_COMMAND,
        userId: args.body.user.id,
        teamId: args.body.team?.id ?? null,
        originChannelId: args.body.channel?.id ?? order.channelId,
        responseUrl: args.body.response_url ?? null,
        args: importArgs,
        now: deps.now(),
      });
      if (!isNew) return;
      await tellClicker(
        args,
        `📥 Importing ${escapeMrkdwn(row.replacement)} into ${channelLink(order.channelId)}. Peeker finishes the swap by itself once its DNS is verified.`,
      );
      changes.runner.dispatch(command);
    }),
  );

  /** "Fix the personas" on a stalled rename: the rename form, pre-filled from it. */
  app.action<BlockButtonAction>(SWAP_ACTION.fixRename, async (args) => {
    await args.ack();
    const value = decodeRenameFixValue(args.action.value);
    if (!value) return;
    await changes.renameSession.openFix(args.body.trigger_id, value.rename).catch((error: unknown) => {
      deps.logger.warn({ code: classifySlackError(error).error }, 'could not open the rename form');
    });
  });

  const personaRows =
    (delta: 1 | -1) =>
    async ({ ack, body }: { ack: () => Promise<void>; body: BlockButtonAction }) => {
      await ack();
      if (body.view) await changes.renameSession.changeRows(body.view, delta);
    };
  app.action<BlockButtonAction>(SWAP_ACTION.addPersona, personaRows(1));
  app.action<BlockButtonAction>(SWAP_ACTION.removePersona, personaRows(-1));
}

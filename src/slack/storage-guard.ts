import type { Logger } from '../logger.js';
import type { StorageHealth } from '../store/storage-health.js';
import { renderStorageUnavailable, STORAGE_UNAVAILABLE_TEXT } from '../views/help.js';

/** The first input block of a submitted modal: Slack shows `errors` only under input blocks. */
function firstInputBlockId(view: unknown): string | undefined {
  const blocks = (view as { blocks?: unknown } | undefined)?.blocks;
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks) {
    const candidate = block as { type?: unknown; block_id?: unknown };
    if (candidate.type === 'input' && typeof candidate.block_id === 'string') return candidate.block_id;
  }
  return undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: Bolt's ack functions differ per payload type; any is the common shape.
type Ack = (response?: any) => Promise<void>;

/**
 * Wraps a Bolt listener so that, when it fails because the database refuses writes, the person
 * still gets an answer — an ephemeral "can't record this right now, nothing was sent" for a
 * command, an error on the form for a modal submission — instead of Slack's timeout. Nothing is
 * acknowledged as done: listeners store before they acknowledge, so the failing write came first.
 */
export function guardStorage<Args extends { ack: Ack; body: unknown }>(
  storage: StorageHealth,
  logger: Logger,
  listener: (args: Args) => Promise<void>,
): (args: Args) => Promise<void> {
  return async (args) => {
    let acked = false;
    const ack: Ack = async (response) => {
      acked = true;
      await args.ack(response);
    };
    try {
      await listener({ ...args, ack });
    } catch (error) {
      if (!storage.noteFailure(error)) throw error;
      logger.error({ err: error }, 'storage unavailable while handling a Slack request');
      if (acked) return;
      const body = args.body as { type?: unknown; command?: unknown; view?: unknown };
      const answer: unknown =
        body.type === 'view_submission'
          ? (() => {
              const blockId = firstInputBlockId(body.view);
              return blockId
                ? { response_action: 'errors', errors: { [blockId]: STORAGE_UNAVAILABLE_TEXT } }
                : undefined;
            })()
          : typeof body.command === 'string'
            ? { response_type: 'ephemeral', ...renderStorageUnavailable() }
            : undefined;
      await args.ack(answer);
    }
  };
}

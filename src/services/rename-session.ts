import type { ModalView } from '@slack/types';
import type { Logger } from '../logger.js';
import { decodeRenameFormMetadata } from '../parsing/interaction-payloads.js';
import { readFormValues } from '../parsing/order-form-values.js';
import { type PersonaValues, validatePersonaRows } from '../parsing/persona-rows.js';
import { describePeekerError } from '../peeker/errors.js';
import type { Modals } from '../slack/modals.js';
import type { LiveDomainsRepo } from '../store/live-domains-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { SwapsRepo } from '../store/swaps-repo.js';
import { personaBlock } from '../views/ids.js';
import { peekerErrorText } from '../views/peeker-error.js';
import {
  type RenameFormModel,
  renderRenameForm,
  renderRenameInfo,
  renderRenameLoading,
  renderRenamePending,
  renderRenamePlaced,
  renderRenameSending,
} from '../views/rename-modal.js';
import type { DomainDirectory } from './domain-directory.js';
import type { SwapSender } from './swap-sender.js';
import type { SubmittedView, SwapSubmission } from './swap-session.js';
import type { SwapTracker } from './swap-tracker.js';

const EXPIRED = 'This form has expired. Close it and run /peeker rename again.';
const NOTHING_CHANGED = 'Nothing changed. Edit a name or a picture first (or close the form).';
const PICTURE_NOTE =
  'A profile picture of this rename was not publicly accessible. Paste a public image URL (https) and send the rename again.';

const samePersonas = (a: readonly PersonaValues[], b: readonly PersonaValues[]) =>
  a.length === b.length &&
  a.every(
    (persona, i) =>
      persona.firstName === b[i]?.firstName &&
      persona.lastName === b[i]?.lastName &&
      persona.pictureUrl === (b[i]?.pictureUrl ?? ''),
  );

/**
 * `/peeker rename <domain>`: the personas on the domain (its last rename, else its order's), in
 * 1–10 rows validated exactly like the order form's; "Rename" claims the rename in SQLite and
 * sends one `POST /swaps/user_names`. A picture Peeker cannot fetch re-opens the form pre-filled
 * from that rename.
 */
export function createRenameSession(deps: {
  swaps: SwapsRepo;
  tracker: SwapTracker;
  sender: SwapSender;
  liveDomains: LiveDomainsRepo;
  orders: OrdersRepo;
  directory: DomainDirectory;
  modals: Modals;
  isSandbox: () => boolean;
  now: () => number;
  logger: Logger;
}) {
  /** The personas on a domain now: its latest rename's, else its order's. */
  function currentPersonas(domain: string, orderId: string | null): PersonaValues[] {
    const renamed = deps.swaps.latestRename(domain)?.personas;
    if (renamed) return renamed.map((p) => ({ ...p }));
    const order = orderId ? deps.orders.get(orderId) : undefined;
    return (order?.request.personas ?? []).map((persona) => ({
      firstName: persona.first_name,
      lastName: persona.last_name,
      pictureUrl: persona.profile_picture_url ?? '',
    }));
  }

  function model(
    domain: string,
    orderId: string | null,
    personas: PersonaValues[],
    extras: Partial<Pick<RenameFormModel, 'note' | 'fixes' | 'peekerError' | 'personaCount'>> = {},
  ): RenameFormModel {
    const order = orderId ? deps.orders.get(orderId) : undefined;
    return {
      domain,
      orderId,
      customerEmail: order?.customerEmail ?? null,
      channelId: order?.channelId ?? null,
      personaCount: extras.personaCount ?? Math.max(1, personas.length),
      personas,
      sandbox: deps.isSandbox(),
      ...(extras.note ? { note: extras.note } : {}),
      ...(extras.fixes ? { fixes: extras.fixes } : {}),
      ...(extras.peekerError ? { peekerError: extras.peekerError } : {}),
    };
  }

  function openWith(triggerId: string, load: () => Promise<ModalView>): Promise<void> {
    return deps.modals.openThenFill(triggerId, renderRenameLoading(), load, (error) =>
      renderRenameInfo(peekerErrorText('look the domain up', describePeekerError(error))),
    );
  }

  return {
    async openFromCommand(triggerId: string, domain: string): Promise<void> {
      await openWith(triggerId, async () => {
        const live = await deps.directory.lookup(domain);
        if (!live?.domainId) {
          return renderRenameInfo(
            `${domain} is not a connected domain of any order Peeker knows, so it has no inboxes to rename. Check the name with \`/peeker status ${domain}\`.`,
          );
        }
        return renderRenameForm(model(live.domain, live.orderId, currentPersonas(live.domain, live.orderId)));
      });
    },

    /** "Fix the personas": the form pre-filled from the stalled rename. */
    async openFix(triggerId: string, renameId: number): Promise<void> {
      const rename = deps.swaps.get(renameId);
      if (rename?.kind !== 'rename') return;
      await openWith(triggerId, async () =>
        renderRenameForm(
          model(
            rename.domain,
            rename.orderId,
            (rename.personas ?? []).map((p) => ({ ...p })),
            {
              note: PICTURE_NOTE,
              fixes: rename.id,
            },
          ),
        ),
      );
    },

    /** "Add persona" / "Remove last persona", keeping what was typed. */
    async changeRows(view: SubmittedView & { hash?: string }, delta: 1 | -1): Promise<void> {
      const metadata = decodeRenameFormMetadata(view.private_metadata);
      if (!metadata) return;
      const personaCount = Math.min(10, Math.max(1, metadata.personaCount + delta));
      const typed = readFormValues(view.state?.values, metadata.personaCount).personas.slice(0, personaCount);
      const live = deps.liveDomains.get(metadata.domain);
      await deps.modals.update(
        view.id,
        renderRenameForm(
          model(metadata.domain, live?.orderId ?? null, typed, {
            personaCount,
            ...(metadata.fixes ? { fixes: metadata.fixes, note: PICTURE_NOTE } : {}),
          }),
        ),
        view.hash,
      );
    },

    /** "Rename": validate like the order form, refuse a rename with no change, claim, then send once. */
    submit(view: SubmittedView, userId: string): SwapSubmission {
      const metadata = decodeRenameFormMetadata(view.private_metadata);
      const firstField = personaBlock(0, 'first');
      if (!metadata) return { ack: { response_action: 'errors', errors: { [firstField]: EXPIRED } } };
      const checked = validatePersonaRows(view.state?.values, metadata.personaCount);
      if (!checked.ok) return { ack: { response_action: 'errors', errors: checked.errors } };
      const live = deps.liveDomains.get(metadata.domain);
      if (!live?.domainId || live.state !== 'connected') {
        return {
          ack: {
            response_action: 'update',
            view: renderRenameInfo(`${metadata.domain} is no longer a connected domain. Nothing was sent.`),
          },
        };
      }
      const before = metadata.fixes
        ? (deps.swaps.get(metadata.fixes)?.personas ?? [])
        : currentPersonas(live.domain, live.orderId);
      if (samePersonas(checked.personas, before)) {
        return { ack: { response_action: 'errors', errors: { [firstField]: NOTHING_CHANGED } } };
      }
      const claimed = deps.tracker.claim(
        {
          kind: 'rename',
          type: 'user_names',
          domain: live.domain,
          domainId: live.domainId,
          orderId: live.orderId,
          replacement: null,
          personas: checked.personas,
          requestedBy: userId,
          viewId: view.id,
        },
        deps.now(),
      );
      if (!claimed) {
        return {
          ack: {
            response_action: 'errors',
            errors: { [firstField]: 'A rename of this domain is being sent right now. Wait for it.' },
          },
        };
      }
      const channelId = live.orderId ? (deps.orders.get(live.orderId)?.channelId ?? null) : null;
      return {
        ack: { response_action: 'update', view: renderRenameSending(live.domain) },
        afterAck: async () => {
          const outcome = await deps.sender.send(claimed.request.id, { lookupFirst: !claimed.isNew });
          let next: ModalView | undefined;
          if (outcome.status === 'recorded') {
            next = renderRenamePlaced({
              domain: live.domain,
              inboxes: deps.swaps.get(claimed.request.id)?.rowCount ?? outcome.swapIds.length,
              channelId,
            });
          } else if (outcome.status === 'rejected') {
            next = renderRenameForm(
              model(live.domain, live.orderId, checked.personas, {
                peekerError: outcome.error,
                ...(metadata.fixes ? { fixes: metadata.fixes } : {}),
              }),
            );
          } else if (outcome.status === 'pending') {
            next = renderRenamePending({ domain: live.domain, error: outcome.error });
          }
          if (next) await deps.modals.update(view.id, next);
        },
      };
    },
  };
}

export type RenameSession = ReturnType<typeof createRenameSession>;

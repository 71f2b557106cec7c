import type { ModalView } from '@slack/types';
import type { Logger } from '../logger.js';
import { decodeSwapFormMetadata, decodeSwapReviewMetadata } from '../parsing/interaction-payloads.js';
import { readSwapForm } from '../parsing/swap-form.js';
import type { PeekerClient } from '../peeker/client.js';
import { describePeekerError, type PeekerErrorInfo } from '../peeker/errors.js';
import type { Modals } from '../slack/modals.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { LiveDomain, LiveDomainsRepo } from '../store/live-domains-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { SwapsRepo } from '../store/swaps-repo.js';
import type { ViewAck } from '../views/blocks.js';
import { SWAP_BLOCK } from '../views/ids.js';
import { peekerErrorText } from '../views/peeker-error.js';
import {
  renderSwapChecking,
  renderSwapForm,
  renderSwapInfo,
  renderSwapLoading,
  renderSwapNotAllowed,
  renderSwapPending,
  renderSwapPlaced,
  renderSwapReview,
  renderSwapSending,
  type SwapFormModel,
  type SwapType,
} from '../views/swap-modal.js';
import type { DomainDirectory } from './domain-directory.js';
import { checkReplacement } from './replacement-check.js';
import { checkSwapRules, PREMIUM_COOLDOWN_MS, type SwapField } from './swap-rules.js';
import type { SendOutcome, SwapSender } from './swap-sender.js';
import type { SwapTracker } from './swap-tracker.js';

/** A submitted view as Bolt gives it (only what is read). */
export interface SubmittedView {
  id: string;
  private_metadata?: string;
  state?: { values?: unknown };
}

export interface SwapSubmission {
  ack: ViewAck;
  /** Slow work to run once Slack has the acknowledgement (checks, the `POST`). */
  afterAck?: () => Promise<void>;
}

const EXPIRED = 'This form has expired. Close it and run /peeker swap again.';

/** Peeker's `error.field` → the form field it blames. */
function fieldOf(field: string | undefined): SwapField {
  if (field === 'type') return 'type';
  if (field === 'domain_id') return 'domain';
  return 'replacement';
}

function blockErrors(problems: Partial<Record<SwapField, string>>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of ['domain', 'replacement', 'type'] as const) {
    const message = problems[field];
    if (message) errors[SWAP_BLOCK[field]] = message;
  }
  return errors;
}

/**
 * The swap modal from opening to Peeker's answer: open it right after the acknowledgement (a
 * loading view first — the trigger expires in 3 s), pre-filled with the domain to retire, its
 * order, customer and provider, the replacement and the type; refuse what the app knows is
 * ineligible next to its field; check the replacement (imported, or available with its price)
 * after acknowledging the submission; on "Swap domain" (`ORDER_APPROVERS`) claim the swap in
 * SQLite and send exactly one `POST /swaps`.
 */
export function createSwapSession(deps: {
  swaps: SwapsRepo;
  tracker: SwapTracker;
  sender: SwapSender;
  liveDomains: LiveDomainsRepo;
  orders: OrdersRepo;
  imports: ImportsRepo;
  directory: DomainDirectory;
  peeker: PeekerClient;
  modals: Modals;
  approvers: readonly string[];
  isSandbox: () => boolean;
  now: () => number;
  logger: Logger;
}) {
  const canSwap = (userId: string) => deps.approvers.length === 0 || deps.approvers.includes(userId);

  /** The domain if it is a connected domain of this order. */
  function connectedOn(orderId: string, domain: string): LiveDomain | undefined {
    const live = deps.liveDomains.get(domain);
    return live?.state === 'connected' && live.orderId === orderId ? live : undefined;
  }

  function problemsFor(orderId: string, values: { domain: string; replacement: string; type: SwapType }) {
    const live = connectedOn(orderId, values.domain);
    const replacement = values.replacement;
    const onOrder =
      replacement !== '' &&
      (deps.orders.domainsOnLiveOrders().has(replacement) ||
        deps.liveDomains.get(replacement)?.state === 'connected' ||
        deps.swaps.swapBringing(replacement) !== undefined);
    return checkSwapRules({
      domain: live ? { domain: live.domain, provider: live.provider } : undefined,
      replacement,
      type: values.type,
      lastPremiumAt: deps.swaps.premiumSwapSince(values.domain, deps.now() - PREMIUM_COOLDOWN_MS)?.createdAt,
      replacementOnOrder: onOrder,
      swapInFlight: live?.domainId ? deps.swaps.inFlightFor(live.domainId, 'swap') !== undefined : false,
    });
  }

  async function formModel(
    orderId: string,
    values: { domain: string | null; replacement: string; type: SwapType },
    extras: Pick<SwapFormModel, 'fieldErrors' | 'peekerError' | 'note'> = {},
  ): Promise<SwapFormModel> {
    const order = deps.orders.get(orderId);
    const domains = await deps.directory.connectedOfOrder(orderId, order?.domainCount ?? null);
    return {
      orderId,
      customerEmail: order?.customerEmail ?? null,
      channelId: order?.channelId ?? null,
      domains: domains.map((domain) => ({ domain: domain.domain, provider: domain.provider })),
      selected: values.domain,
      replacement: values.replacement,
      type: values.type,
      sandbox: deps.isSandbox(),
      ...extras,
    };
  }

  function openWith(triggerId: string, load: () => Promise<ModalView>): Promise<void> {
    return deps.modals.openThenFill(triggerId, renderSwapLoading(), load, (error) =>
      renderSwapInfo(peekerErrorText('look the domain up', describePeekerError(error))),
    );
  }

  /** After a refusal: the form again, with Peeker's reason under the field it blames. */
  async function refusedForm(
    orderId: string,
    values: { domain: string; replacement: string; type: SwapType },
    error: PeekerErrorInfo,
  ): Promise<ModalView> {
    return renderSwapForm(
      await formModel(orderId, values, {
        fieldErrors: { [fieldOf(error.field)]: error.message },
        peekerError: error,
      }),
    );
  }

  function outcomeView(
    outcome: SendOutcome,
    values: { orderId: string; domain: string; replacement: string; type: SwapType },
  ): Promise<ModalView> | ModalView {
    const channelId = deps.orders.get(values.orderId)?.channelId ?? null;
    switch (outcome.status) {
      case 'recorded':
        return renderSwapPlaced({
          domain: values.domain,
          replacement: values.replacement,
          swapId: outcome.swapIds[0] ?? '?',
          channelId,
        });
      case 'rejected':
        return refusedForm(values.orderId, values, outcome.error);
      case 'pending':
        return renderSwapPending({
          domain: values.domain,
          replacement: values.replacement,
          error: outcome.error,
        });
      case 'busy':
        return renderSwapSending(values.domain, values.replacement);
    }
  }

  return {
    /** `/peeker swap <domain> [for <replacement>] [premium]`, after the acknowledgement. */
    async openFromCommand(
      triggerId: string,
      input: { domain: string; replacement?: string | undefined; premium: boolean },
    ): Promise<void> {
      await openWith(triggerId, async () => {
        const live = await deps.directory.lookup(input.domain);
        if (!live?.orderId) {
          return renderSwapInfo(
            `${input.domain} is not a connected domain of any order Peeker knows, so there is nothing to swap. Swaps replace live domains; check the name with \`/peeker status ${input.domain}\`.`,
          );
        }
        return renderSwapForm(
          await formModel(live.orderId, {
            domain: live.domain,
            replacement: input.replacement ?? '',
            type: input.premium ? 'premium' : 'standard',
          }),
        );
      });
    },

    /** From an order: its overflow menu, or "Swap this domain" on a `replace_domain` action. */
    async openForOrder(triggerId: string, orderId: string, domain?: string, note?: string): Promise<void> {
      await openWith(triggerId, async () =>
        renderSwapForm(
          await formModel(
            orderId,
            { domain: domain?.toLowerCase() ?? null, replacement: '', type: 'standard' },
            note ? { note } : {},
          ),
        ),
      );
    },

    /** "Check": the local rules at once (errors by field), then the replacement after the ack. */
    submitForm(view: SubmittedView, userId: string): SwapSubmission {
      const metadata = decodeSwapFormMetadata(view.private_metadata);
      if (!metadata)
        return { ack: { response_action: 'errors', errors: { [SWAP_BLOCK.replacement]: EXPIRED } } };
      const values = readSwapForm(view.state?.values);
      const problems = problemsFor(metadata.order, values);
      if (Object.keys(problems).length > 0)
        return { ack: { response_action: 'errors', errors: blockErrors(problems) } };
      return {
        ack: { response_action: 'update', view: renderSwapChecking(values.replacement) },
        afterAck: async () => {
          const check = await checkReplacement(
            { imports: deps.imports, peeker: deps.peeker },
            values.replacement,
          );
          let next: ModalView;
          if (!check.ok) {
            next = renderSwapForm(
              await formModel(metadata.order, values, {
                fieldErrors: { replacement: check.message },
                ...(check.peekerError ? { peekerError: check.peekerError } : {}),
              }),
            );
          } else {
            const order = deps.orders.get(metadata.order);
            const live = connectedOn(metadata.order, values.domain);
            next = renderSwapReview({
              orderId: metadata.order,
              customerEmail: order?.customerEmail ?? null,
              channelId: order?.channelId ?? null,
              domain: values.domain,
              provider: live?.provider ?? null,
              replacement: values.replacement,
              source: check.source,
              type: values.type,
              canSwap: canSwap(userId),
              approvers: [...deps.approvers],
              sandbox: deps.isSandbox(),
            });
          }
          await deps.modals.update(view.id, next);
        },
      };
    },

    /** Whether this person may swap (the review shows the approvers otherwise). */
    canSwap,

    /** "Swap domain": claim, acknowledge, then exactly one `POST /swaps` (adopting a lost answer). */
    confirm(view: SubmittedView, userId: string): SwapSubmission {
      const metadata = decodeSwapReviewMetadata(view.private_metadata);
      if (!metadata) return { ack: { response_action: 'update', view: renderSwapInfo(EXPIRED) } };
      if (!canSwap(userId))
        return { ack: { response_action: 'update', view: renderSwapNotAllowed(deps.approvers) } };
      const values = { domain: metadata.domain, replacement: metadata.replacement, type: metadata.type };
      const context = { orderId: metadata.order, ...values };
      // A second click on the same review (or Slack retrying it) finds its claim: nothing new is sent.
      const mine = deps.swaps.forView(view.id);
      if (mine) {
        return {
          ack: { response_action: 'update', view: renderSwapSending(metadata.domain, metadata.replacement) },
          afterAck: async () => {
            const outcome = await deps.sender.send(mine.id, { lookupFirst: true });
            if (outcome.status !== 'busy')
              await deps.modals.update(view.id, await outcomeView(outcome, context));
          },
        };
      }
      const live = connectedOn(metadata.order, metadata.domain);
      const problems = problemsFor(metadata.order, values);
      if (!live?.domainId || Object.keys(problems).length > 0) {
        return {
          ack: { response_action: 'update', view: renderSwapChecking(metadata.replacement) },
          afterAck: async () => {
            await deps.modals.update(
              view.id,
              renderSwapForm(
                await formModel(metadata.order, values, {
                  fieldErrors: live?.domainId
                    ? problems
                    : { domain: 'This domain is no longer connected to the order.' },
                }),
              ),
            );
          },
        };
      }
      const claimed = deps.tracker.claim(
        {
          kind: 'swap',
          type: metadata.type,
          domain: metadata.domain,
          domainId: live.domainId,
          orderId: metadata.order,
          replacement: metadata.replacement,
          personas: null,
          requestedBy: userId,
          viewId: view.id,
        },
        deps.now(),
      );
      if (!claimed) {
        return {
          ack: {
            response_action: 'update',
            view: renderSwapInfo(`${metadata.domain} is being swapped right now. Nothing new was sent.`),
          },
        };
      }
      return {
        ack: { response_action: 'update', view: renderSwapSending(metadata.domain, metadata.replacement) },
        afterAck: async () => {
          const outcome = await deps.sender.send(claimed.request.id, { lookupFirst: !claimed.isNew });
          deps.logger.info({ requestId: claimed.request.id, outcome: outcome.status }, 'swap sent');
          await deps.modals.update(view.id, await outcomeView(outcome, context));
        },
      };
    },
  };
}

export type SwapSession = ReturnType<typeof createSwapSession>;

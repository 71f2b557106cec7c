import { randomUUID } from 'node:crypto';
import type { Metrics } from '../metrics.js';
import { decodeFormMetadata } from '../parsing/interaction-payloads.js';
import { readFormValues, validateOrderForm } from '../parsing/order-form.js';
import { describePeekerError } from '../peeker/errors.js';
import type { Modals } from '../slack/modals.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { OrderActionsRepo } from '../store/order-actions-repo.js';
import type { OrderDraftsRepo, StoredOrderRequest } from '../store/order-drafts-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { ViewAck } from '../views/blocks.js';
import {
  BUNDLES_UNAVAILABLE_ERROR,
  correctionNote,
  FORM_EXPIRED_ERROR,
  type OrderFormPrefill,
  RESUBMIT_NOTE,
  renderOrderForm,
  renderOrderLoading,
} from '../views/order-form.js';
import { renderOrderUnavailable } from '../views/order-result.js';
import { renderOrderReview } from '../views/order-review.js';
import { peekerErrorText } from '../views/peeker-error.js';
import type { BundleCache } from './bundle-cache.js';
import type { PasswordVault } from './password-vault.js';

/** The submission must answer within Slack's 3 s; a cold bundle list gets this long to load. */
const BUNDLES_WAIT_MS = 2_000;
/** The form offers at most this many verified domains (a multi-select holds 100 options). */
const MAX_OFFERED_DOMAINS = 100;

export interface OrderFormSessionDeps {
  drafts: OrderDraftsRepo;
  orders: OrdersRepo;
  actions: OrderActionsRepo;
  imports: ImportsRepo;
  bundles: BundleCache;
  vault: PasswordVault;
  modals: Modals;
  metrics?: Metrics | undefined;
  approvers: readonly string[];
  /** False when a default Smartlead login comes from configuration (the form then does not ask). */
  askSmartleadLogin: boolean;
  defaultLoginEmail: string | undefined;
  isSandbox: () => boolean;
  now: () => number;
}

/** The modal state Slack sends back with a submission or a button inside the modal. */
export interface SubmittedView {
  id?: string;
  hash?: string;
  private_metadata?: string;
  state?: { values?: unknown };
}

/** What a stored order request pre-fills (never its password). */
function prefillFrom(request: StoredOrderRequest, note?: string): OrderFormPrefill {
  return {
    customerEmail: request.user,
    bundleId: request.bundle_id,
    domains: request.domains,
    forwardingUrl: request.forwarding_url,
    smartleadClientId: request.sequencer.client_id,
    smartleadEmail: request.sequencer.login_email,
    personas: request.personas.map((persona) => ({
      firstName: persona.first_name,
      lastName: persona.last_name,
      pictureUrl: persona.profile_picture_url,
    })),
    ...(note ? { note } : {}),
  };
}

/**
 * The order form from opening to review: open it right after the acknowledgement (a loading view
 * first — the trigger expires in 3 s — then the form once bundles are loaded), keep what was
 * typed when persona rows are added or removed, validate a submission, store the draft (without
 * the password, which goes to the in-memory vault) and push the review.
 */
export function createOrderFormSession(deps: OrderFormSessionDeps) {
  const canPlace = (userId: string) => deps.approvers.length === 0 || deps.approvers.includes(userId);

  /** DNS-verified domains imported for this channel and not already on a live order. */
  function verifiedDomainsFor(channelId: string): string[] {
    const used = deps.orders.domainsOnLiveOrders();
    return deps.imports
      .verifiedDomainsInChannel(channelId)
      .filter((domain) => !used.has(domain))
      .slice(0, MAX_OFFERED_DOMAINS);
  }

  async function open(options: {
    triggerId: string;
    channelId: string;
    prefill?: OrderFormPrefill;
    reorderOf?: string;
  }): Promise<void> {
    const opened = await deps.modals.open(options.triggerId, renderOrderLoading(options.channelId));
    if (!opened) return;
    try {
      const choices = await deps.bundles.get();
      await deps.modals.update(
        opened.id,
        renderOrderForm({
          channelId: options.channelId,
          bundles: choices,
          verifiedDomains: verifiedDomainsFor(options.channelId),
          askSmartleadLogin: deps.askSmartleadLogin,
          personaCount: Math.min(10, Math.max(1, options.prefill?.personas?.length ?? 1)),
          sandbox: deps.isSandbox(),
          ...(options.prefill ? { prefill: options.prefill } : {}),
          ...(options.reorderOf ? { reorderOf: options.reorderOf } : {}),
        }),
        opened.hash,
      );
    } catch (error) {
      await deps.modals.update(
        opened.id,
        renderOrderUnavailable(peekerErrorText('list the bundles', describePeekerError(error))),
      );
    }
  }

  return {
    /** `/peeker order [in #channel]`, after the acknowledgement. */
    async openBlank(triggerId: string, channelId: string): Promise<void> {
      await open({ triggerId, channelId });
    },

    /** "Place corrected order": the form pre-filled from the original order (never its password). */
    async openCorrection(triggerId: string, orderId: string, actionId: string | undefined): Promise<void> {
      const order = deps.orders.get(orderId);
      if (!order) return;
      const action = actionId ? deps.actions.get(actionId) : undefined;
      const who = action?.persona ? `${action.persona.firstName} ${action.persona.lastName}`.trim() : '';
      await open({
        triggerId,
        channelId: order.channelId,
        prefill: prefillFrom(order.request, correctionNote(action?.reason ?? null, who)),
        reorderOf: order.id,
      });
    },

    /** A draft lost to a restart: the form again, pre-filled from it. */
    async openFromDraft(triggerId: string, draftId: string): Promise<void> {
      const draft = deps.drafts.get(draftId);
      if (!draft) return;
      await open({
        triggerId,
        channelId: draft.channelId,
        prefill: prefillFrom(draft.request, RESUBMIT_NOTE),
      });
    },

    /** "Add persona" / "Remove last persona": re-render with one row more or less, keeping what was typed. */
    async changePersonaRows(view: SubmittedView, delta: 1 | -1): Promise<void> {
      const metadata = decodeFormMetadata(view.private_metadata);
      if (!metadata || !view.id) return;
      const personaCount = Math.min(10, Math.max(1, metadata.personaCount + delta));
      const current = readFormValues(view.state?.values, metadata.personaCount);
      const choices = deps.bundles.peek() ?? (await deps.bundles.get().catch(() => []));
      deps.bundles.refreshIfStale();
      await deps.modals.update(
        view.id,
        renderOrderForm({
          channelId: metadata.channelId,
          bundles: choices,
          verifiedDomains: verifiedDomainsFor(metadata.channelId),
          askSmartleadLogin: deps.askSmartleadLogin,
          personaCount,
          current: { ...current, personas: current.personas.slice(0, personaCount) },
          sandbox: deps.isSandbox(),
          ...(metadata.reorderOf ? { reorderOf: metadata.reorderOf } : {}),
        }),
        view.hash,
      );
    },

    /** The form's "Review": validate everything, then show the review (or each error by its field). */
    async submit(view: SubmittedView, userId: string): Promise<ViewAck> {
      const metadata = decodeFormMetadata(view.private_metadata);
      if (!metadata) return { response_action: 'errors', errors: { customer_email: FORM_EXPIRED_ERROR } };
      const choices = await deps.bundles.getWithin(BUNDLES_WAIT_MS);
      if (!choices) return { response_action: 'errors', errors: { bundle: BUNDLES_UNAVAILABLE_ERROR } };
      const result = validateOrderForm(view.state?.values, {
        personaCount: metadata.personaCount,
        askSmartleadLogin: deps.askSmartleadLogin,
        bundles: choices,
      });
      if (!result.ok) {
        deps.metrics?.commands.inc({ subcommand: 'order', outcome: 'invalid_input' });
        return { response_action: 'errors', errors: result.errors };
      }
      const form = result.form;
      const bundle = choices.find((choice) => choice.id === form.bundleId);
      const request: StoredOrderRequest = {
        user: form.customerEmail,
        bundle_id: form.bundleId,
        sequencer: {
          provider: 'smartlead',
          client_id: form.smartleadClientId,
          login_email: form.smartleadEmail ?? deps.defaultLoginEmail ?? '',
        },
        forwarding_url: form.forwardingUrl,
        domains: form.domains,
        personas: form.personas.map((persona) => ({
          first_name: persona.firstName,
          last_name: persona.lastName,
          profile_picture_url: persona.pictureUrl,
        })),
      };
      const draftId = randomUUID();
      deps.drafts.create({
        id: draftId,
        userId,
        channelId: metadata.channelId,
        request,
        bundleName: bundle?.name ?? null,
        reorderOf: metadata.reorderOf ?? null,
        now: deps.now(),
      });
      if (form.smartleadPassword) deps.vault.put(draftId, form.smartleadPassword, deps.now());
      return {
        response_action: 'push',
        view: renderOrderReview({
          draftId,
          channelId: metadata.channelId,
          customerEmail: form.customerEmail,
          bundleName: bundle?.name ?? form.bundleId,
          requiredDomains: bundle?.requiredDomains ?? null,
          domains: form.domains,
          forwardingUrl: form.forwardingUrl,
          smartleadClientId: form.smartleadClientId,
          smartleadEmail: form.smartleadEmail ?? '',
          personas: form.personas,
          sandbox: deps.isSandbox(),
          canPlace: canPlace(userId),
          approvers: [...deps.approvers],
        }),
      };
    },
  };
}

export type OrderFormSession = ReturnType<typeof createOrderFormSession>;

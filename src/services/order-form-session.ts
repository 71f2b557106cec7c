import { randomUUID } from 'node:crypto';
import type { Metrics } from '../metrics.js';
import { decodeFormMetadata } from '../parsing/interaction-payloads.js';
import { validateOrderForm } from '../parsing/order-form.js';
import { type DomainProblem, domainProblemsMessage, readFileIds } from '../parsing/order-form-domains.js';
import { readFormValues } from '../parsing/order-form-values.js';
import { describePeekerError } from '../peeker/errors.js';
import type { Modals } from '../slack/modals.js';
import type { DomainPickSet, DomainPicksRepo } from '../store/domain-picks-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { OrderActionsRepo } from '../store/order-actions-repo.js';
import type { OrderDraftsRepo, StoredOrderRequest } from '../store/order-drafts-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { ViewAck } from '../views/blocks.js';
import { BLOCK } from '../views/ids.js';
import { renderOrderForm } from '../views/order-form.js';
import { renderOrderLoading } from '../views/order-form-loading.js';
import type { OrderFormPrefill } from '../views/order-form-model.js';
import {
  BUNDLES_UNAVAILABLE_ERROR,
  correctionNote,
  FORM_EXPIRED_ERROR,
  RESUBMIT_NOTE,
} from '../views/order-form-texts.js';
import { renderOrderUnavailable } from '../views/order-result.js';
import { type OrderReviewModel, renderOrderReview } from '../views/order-review.js';
import { peekerErrorText } from '../views/peeker-error.js';
import type { BundleCache } from './bundle-cache.js';
import type { OrderDomains } from './order-domains.js';
import type { PasswordVault } from './password-vault.js';
import { FileReadError, type SlackFiles } from './slack-files.js';

/** The submission must answer within Slack's 3 s; a cold bundle list gets this long to load. */
const BUNDLES_WAIT_MS = 2_000;
/**
 * Everything the submission does (bundles, the domains file, sorting imported from to-register
 * domains with Peeker) finishes within this, or it answers "press Review again" while the work
 * carries on into the caches: Slack drops an answer after 3 s.
 */
const SUBMIT_BUDGET_MS = 2_400;
/** The least a step is given, even when an earlier one used most of the budget. */
const MIN_STEP_MS = 150;
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
  /** Sorts imported from to-register domains; without it every domain counts as imported. */
  orderDomains?: OrderDomains | undefined;
  /** `check` / `find` answers whose names the form offers. */
  picks?: DomainPicksRepo | undefined;
  /** Reads the domains file attached to the form. */
  files?: SlackFiles | undefined;
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

  /** The picked names a form offers (from a fresh `check` / `find` answer), with their prices. */
  function pickedFor(pickSetId: string | undefined) {
    const set = pickSetId ? deps.picks?.get(pickSetId, deps.now()) : undefined;
    return set
      ? set.domains.map(({ domain, priceCents, currency }) => ({ domain, priceCents, currency }))
      : [];
  }

  async function open(options: {
    triggerId: string;
    channelId: string;
    prefill?: OrderFormPrefill;
    reorderOf?: string;
    pickSetId?: string;
  }): Promise<void> {
    await deps.modals.openThenFill(
      options.triggerId,
      renderOrderLoading(options.channelId),
      async () =>
        renderOrderForm({
          channelId: options.channelId,
          bundles: await deps.bundles.get(),
          verifiedDomains: verifiedDomainsFor(options.channelId),
          pickedDomains: pickedFor(options.pickSetId),
          askSmartleadLogin: deps.askSmartleadLogin,
          acceptsFile: deps.files !== undefined,
          personaCount: Math.min(10, Math.max(1, options.prefill?.personas?.length ?? 1)),
          sandbox: deps.isSandbox(),
          ...(options.prefill ? { prefill: options.prefill } : {}),
          ...(options.reorderOf ? { reorderOf: options.reorderOf } : {}),
          ...(options.pickSetId ? { pickSetId: options.pickSetId } : {}),
        }),
      (error) => renderOrderUnavailable(peekerErrorText('list the bundles', describePeekerError(error))),
    );
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

    /**
     * "Open the order form" under a `check` / `find` answer: the form for that answer's channel,
     * with the picked names chosen (all of them when the picker was left alone) and offered.
     */
    async openFromPicks(triggerId: string, set: DomainPickSet, selected: readonly string[]): Promise<void> {
      const offered = new Set(set.domains.map((picked) => picked.domain));
      const chosen = selected.filter((domain) => offered.has(domain));
      await open({
        triggerId,
        channelId: set.channelId,
        prefill: { domains: chosen.length > 0 ? chosen : [...offered] },
        pickSetId: set.id,
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
          pickedDomains: pickedFor(metadata.pickSetId),
          askSmartleadLogin: deps.askSmartleadLogin,
          acceptsFile: deps.files !== undefined,
          personaCount,
          current: { ...current, personas: current.personas.slice(0, personaCount) },
          sandbox: deps.isSandbox(),
          ...(metadata.reorderOf ? { reorderOf: metadata.reorderOf } : {}),
          ...(metadata.pickSetId ? { pickSetId: metadata.pickSetId } : {}),
        }),
        view.hash,
      );
    },

    /** The form's "Review": validate everything, then show the review (or each error by its field). */
    async submit(view: SubmittedView, userId: string): Promise<ViewAck> {
      const deadline = performance.now() + SUBMIT_BUDGET_MS;
      const remaining = () => Math.max(MIN_STEP_MS, deadline - performance.now());
      const metadata = decodeFormMetadata(view.private_metadata);
      if (!metadata) return { response_action: 'errors', errors: { customer_email: FORM_EXPIRED_ERROR } };
      const choices = await deps.bundles.getWithin(BUNDLES_WAIT_MS);
      if (!choices) return { response_action: 'errors', errors: { bundle: BUNDLES_UNAVAILABLE_ERROR } };
      const invalid = (errors: Record<string, string>): ViewAck => {
        deps.metrics?.commands.inc({ subcommand: 'order', outcome: 'invalid_input' });
        return { response_action: 'errors', errors };
      };

      const [fileId] = readFileIds(view.state?.values);
      let fileDomainsText: string | undefined;
      if (fileId && deps.files) {
        const read = await within(deps.files.read(fileId), remaining());
        if (read.kind === 'late') {
          return invalid({
            [BLOCK.domainsFile]: 'Still reading the file from Slack — press Review again in a moment.',
          });
        }
        if (read.kind === 'error') {
          const message =
            read.error instanceof FileReadError
              ? read.error.message
              : 'Could not read the file — upload it again.';
          return invalid({ [BLOCK.domainsFile]: message });
        }
        fileDomainsText = read.value;
      }

      const result = validateOrderForm(view.state?.values, {
        personaCount: metadata.personaCount,
        askSmartleadLogin: deps.askSmartleadLogin,
        bundles: choices,
        ...(fileDomainsText !== undefined ? { fileDomainsText } : {}),
      });
      if (!result.ok) return invalid(result.errors);
      const form = result.form;

      // Imported (known to the app or in Peeker's inventory) or to be registered (available).
      let imported = form.domains;
      let toRegister: OrderReviewModel['toRegister'] = [];
      if (deps.orderDomains) {
        const original = metadata.reorderOf ? deps.orders.get(metadata.reorderOf) : undefined;
        const sorted = await deps.orderDomains.splitWithin(
          form.domains,
          remaining(),
          new Set(original?.request.domains ?? []),
        );
        if (!sorted.ok) {
          if (sorted.kind === 'problems') return invalid(problemErrors(sorted.problems, form.domainSources));
          return invalid({
            [BLOCK.domainsText]:
              sorted.kind === 'pending'
                ? `Still checking ${sorted.count} domains with Peeker — press Review again in a few seconds.`
                : `Peeker could not list your spare domains (${sorted.error.code}${sorted.error.requestId ? `, request ${sorted.error.requestId}` : ''}) — press Review again in a minute.`,
          });
        }
        imported = sorted.split.imported;
        toRegister = sorted.split.toRegister.map((entry) => ({
          domain: entry.domain,
          priceCents: entry.priceCents,
          renewalCents: entry.renewalCents,
          currency: entry.currency,
          usableFor: entry.usableFor,
        }));
      }
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
          imported,
          toRegister,
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

/** Each problem shown under the input block its domain came from. */
function problemErrors(
  problems: readonly DomainProblem[],
  sources: Readonly<Record<string, string>>,
): Record<string, string> {
  const byBlock = new Map<string, DomainProblem[]>();
  for (const problem of problems) {
    const block = sources[problem.domain] ?? BLOCK.domainsText;
    byBlock.set(block, [...(byBlock.get(block) ?? []), problem]);
  }
  return Object.fromEntries([...byBlock].map(([block, list]) => [block, domainProblemsMessage(list)]));
}

/** A promise's outcome, or `late` when it takes longer than `ms` (it is not cancelled). */
async function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'late' }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ kind: 'late' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'late' }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ kind: 'value' as const, value }),
        (error: unknown) => ({ kind: 'error' as const, error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

import { randomUUID } from 'node:crypto';
import type { ViewsUpdateArguments, WebClient } from '@slack/web-api';
import type { Logger, SecretScrubber } from '../logger.js';
import type { Metrics } from '../metrics.js';
import {
  type BundleChoice,
  readFormValues,
  type StateValues,
  validateOrderForm,
} from '../parsing/order-form.js';
import type { PeekerClient } from '../peeker/client.js';
import { describePeekerError, type PeekerErrorInfo } from '../peeker/errors.js';
import type { CreateOrderBody } from '../peeker/orders.js';
import type { SlackPublisher } from '../slack/publisher.js';
import type { Responder } from '../slack/responder.js';
import { classifySlackError } from '../slack/slack-errors.js';
import type { Db } from '../store/database.js';
import type { Audience, OrderDraft, OrdersRepo, StoredOrderRequest } from '../store/orders-repo.js';
import { ACTION } from '../views/ids.js';
import { postFailureAdvice } from '../views/import-feedback.js';
import {
  decodeFormMetadata,
  decodeReviewMetadata,
  type OrderFormPrefill,
  renderOrderFailed,
  renderOrderForm,
  renderOrderLoading,
  renderOrderNotAllowed,
  renderOrderPlaced,
  renderOrderPlacing,
  renderOrderReview,
  renderOrderUnavailable,
} from '../views/order-modal.js';
import { peekerErrorText } from '../views/peeker-error.js';
import { section } from '../views/text.js';
import type { OrderTracker } from './order-tracker.js';

/** What a `view_submission` listener acknowledges with (Slack's `response_action`s we use). */
export type ViewAck =
  | { response_action: 'errors'; errors: Record<string, string> }
  | { response_action: 'push' | 'update'; view: ReturnType<typeof renderOrderForm> }
  | undefined;

/**
 * The Smartlead password lives here, in memory, between "Review" and "Place order" — never in
 * SQLite, logs, Slack messages, `private_metadata` or error reports (SPEC §2.3). Entries expire;
 * after a restart the person is asked to enter it again.
 */
export class PasswordVault {
  private readonly entries = new Map<string, { password: string; expiresAt: number }>();

  constructor(private readonly ttlMs = 60 * 60_000) {}

  put(draftId: string, password: string, now: number): void {
    this.sweep(now);
    this.entries.set(draftId, { password, expiresAt: now + this.ttlMs });
  }

  get(draftId: string, now: number): string | undefined {
    this.sweep(now);
    return this.entries.get(draftId)?.password;
  }

  delete(draftId: string): void {
    this.entries.delete(draftId);
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

/**
 * Active bundles, kept warm: the poll tick refreshes them in the background when stale, so the
 * form's submission (which must answer within 3 s) validates against the cache without waiting
 * for Peeker — a slightly stale list is better than an error, and Peeker re-checks the count.
 */
export class BundleCache {
  private cached: { bundles: BundleChoice[]; at: number } | undefined;
  private loading: Promise<BundleChoice[]> | undefined;

  constructor(
    private readonly peeker: PeekerClient,
    private readonly now: () => number,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  /** The cached list, however old (undefined before the first successful load). */
  peek(): BundleChoice[] | undefined {
    return this.cached?.bundles;
  }

  private isFresh(): boolean {
    return this.cached !== undefined && this.now() - this.cached.at < this.ttlMs;
  }

  /** A fresh list (loads it when stale). */
  async get(): Promise<BundleChoice[]> {
    if (this.isFresh() && this.cached) return this.cached.bundles;
    this.loading ??= this.peeker.bundles
      .listActive()
      .then(({ data }) => {
        const bundles = data.map((bundle) => ({
          id: bundle.id,
          name: bundle.name,
          requiredDomains: bundle.required_domains?.total ?? null,
        }));
        this.cached = { bundles, at: this.now() };
        return bundles;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** Refreshes in the background when stale; failures keep the old list. */
  refreshIfStale(): void {
    if (!this.isFresh()) void this.get().catch(() => undefined);
  }
}

export interface OrderServiceDeps {
  db: Db;
  orders: OrdersRepo;
  tracker: OrderTracker;
  peeker: PeekerClient;
  publisher: SlackPublisher;
  responder: Responder;
  client: WebClient;
  logger: Logger;
  scrubber: SecretScrubber;
  metrics?: Metrics;
  approvers: readonly string[];
  defaultLogin: { email: string; password: string } | undefined;
  isSandbox: () => boolean;
  now?: () => number;
}

/**
 * The order flow of SPEC §2.3: open the form right after the ack, validate it, keep a draft (no
 * password), review, then place it exactly once per draft with the seed guide's body, and start
 * the order's status thread.
 */
export function createOrderService(deps: OrderServiceDeps) {
  const now = deps.now ?? Date.now;
  const vault = new PasswordVault();
  const bundles = new BundleCache(deps.peeker, now);
  const askSmartleadLogin = !deps.defaultLogin;
  const canPlace = (userId: string) => deps.approvers.length === 0 || deps.approvers.includes(userId);

  /** DNS-verified domains imported for this channel and not already on a live order. */
  function verifiedDomainsFor(channelId: string): string[] {
    const used = deps.orders.domainsOnOrders();
    const rows = deps.db
      .prepare<[string], { domain: string }>(
        `SELECT import_domains.domain FROM import_domains JOIN imports ON imports.id = import_domains.import_id
         WHERE imports.channel_id = ? AND import_domains.state = 'verified'
         ORDER BY imports.submitted_at, import_domains.position`,
      )
      .all(channelId);
    return [...new Set(rows.map((row) => row.domain))].filter((domain) => !used.has(domain)).slice(0, 100);
  }

  /** Customer channels (shared, or where we posted nameserver instructions) never see costs or IDs. */
  async function audienceOf(channelId: string): Promise<Audience> {
    if (/^D/.test(channelId)) return 'ops';
    const hasImports = deps.db
      .prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM imports WHERE channel_id = ?')
      .get(channelId);
    if ((hasImports?.n ?? 0) > 0) return 'customer';
    try {
      const info = await deps.client.conversations.info({ channel: channelId });
      const channel = info.channel as Record<string, unknown> | undefined;
      const shared = Boolean(channel?.is_ext_shared || channel?.is_shared || channel?.is_pending_ext_shared);
      return shared ? 'customer' : 'ops';
    } catch {
      // When in doubt, treat it as a customer channel: hiding the cost is the safe mistake.
      return 'customer';
    }
  }

  async function updateView(
    viewId: string,
    view: ViewsUpdateArguments['view'],
    hash?: string,
  ): Promise<boolean> {
    try {
      await deps.client.views.update({ view_id: viewId, view, ...(hash ? { hash } : {}) });
      return true;
    } catch (error) {
      deps.logger.info(
        { viewId, error: classifySlackError(error).error },
        'could not update the order modal',
      );
      return false;
    }
  }

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

  async function openForm(options: {
    triggerId: string;
    userId: string;
    channelId: string;
    prefill?: OrderFormPrefill;
    reorderOf?: string;
  }): Promise<void> {
    // The trigger expires in 3 s: open a loading view first, fill it once Peeker answered.
    const opened = await deps.client.views.open({
      trigger_id: options.triggerId,
      view: renderOrderLoading(options.channelId),
    });
    const viewId = opened.view?.id;
    if (!viewId) return;
    try {
      const choices = await bundles.get();
      const personaCount = Math.min(10, Math.max(1, options.prefill?.personas?.length ?? 1));
      await updateView(
        viewId,
        renderOrderForm({
          channelId: options.channelId,
          bundles: choices,
          verifiedDomains: verifiedDomainsFor(options.channelId),
          askSmartleadLogin,
          personaCount,
          sandbox: deps.isSandbox(),
          ...(options.prefill ? { prefill: options.prefill } : {}),
          ...(options.reorderOf ? { reorderOf: options.reorderOf } : {}),
        }),
        opened.view?.hash,
      );
    } catch (error) {
      await updateView(
        viewId,
        renderOrderUnavailable(peekerErrorText('list the bundles', describePeekerError(error))),
      );
    }
  }

  async function placeDraft(draft: OrderDraft, viewId: string | null): Promise<void> {
    const password = deps.defaultLogin?.password ?? vault.get(draft.id, now());
    const report = async (error: PeekerErrorInfo) => {
      deps.orders.settleDraft(draft.id, 'failed', null, error.code, now());
      deps.metrics?.commands.inc({
        subcommand: 'order',
        outcome: error.kind === 'rejected' ? 'peeker_rejected' : 'peeker_error',
      });
      const shown = viewId ? await updateView(viewId, renderOrderFailed(error, { canGoBack: true })) : false;
      if (!shown) {
        const text = peekerErrorText('place the order', error);
        await deps.responder.dm(draft.userId, { text, blocks: [section(text)] });
      }
    };
    if (!password) {
      await report({
        kind: 'rejected',
        code: 'password_required',
        message:
          'The Smartlead password is no longer in memory (the app restarted or the review sat open too long). Go back and enter it again.',
        field: 'sequencer.login_password',
        requestId: undefined,
        retryAfterSeconds: undefined,
      });
      return;
    }
    const body: CreateOrderBody = {
      user: draft.request.user,
      bundle_id: draft.request.bundle_id,
      sequencer: {
        provider: 'smartlead',
        client_id: draft.request.sequencer.client_id,
        login_email: deps.defaultLogin?.email ?? draft.request.sequencer.login_email,
        login_password: password,
      },
      forwarding_url: draft.request.forwarding_url,
      domains: draft.request.domains,
      personas: draft.request.personas,
    };
    const release = deps.scrubber.track(password);
    try {
      const { data: receipt } = await deps.peeker.orders.create(body);
      const audience = await audienceOf(draft.channelId);
      const { order, messageId } = deps.tracker.recordPlacement(
        draft,
        receipt,
        { audience, sandbox: deps.isSandbox() },
        now(),
      );
      vault.delete(draft.id);
      const post = await deps.publisher.postNow(messageId);
      deps.metrics?.commands.inc({ subcommand: 'order', outcome: 'ok' });
      const placed = renderOrderPlaced({
        orderId: order.id,
        channelId: order.channelId,
        totalCents: order.totalCents,
        currency: order.currency,
        sandbox: order.sandbox,
        posted: post.status === 'posted',
      });
      const shown = viewId ? await updateView(viewId, placed) : false;
      if (!shown) {
        const text = `✅ Order ${order.id} placed; its status thread is in <#${order.channelId}>.`;
        await deps.responder.dm(draft.userId, { text, blocks: [section(text)] });
      }
      if (post.status === 'failed') {
        const text = `⚠️ ${postFailureAdvice(order.channelId, post.failure.error)}`;
        await deps.responder.dm(draft.userId, { text, blocks: [section(text)] });
      }
    } catch (error) {
      deps.logger.warn({ draftId: draft.id, err: error }, 'placing the order failed');
      await report(describePeekerError(error));
      vault.delete(draft.id);
    } finally {
      release();
    }
  }

  return {
    openForm,

    /** Loads the bundle list ahead of the first form (and keeps it fresh from the poll tick). */
    warmUp(): void {
      bundles.refreshIfStale();
    },

    /** `/peeker order` — or the fix button of a pending action — after the acknowledgement. */
    async openFromCommand(triggerId: string, userId: string, channelId: string): Promise<void> {
      await openForm({ triggerId, userId, channelId });
    },

    /** "Place corrected order": the form pre-filled from the original order (never its password). */
    async openCorrection(
      triggerId: string,
      userId: string,
      orderId: string,
      actionId: string | undefined,
    ): Promise<void> {
      const order = deps.orders.order(orderId);
      if (!order) return;
      const action = actionId ? deps.orders.action(actionId) : undefined;
      const who = action?.persona ? `${action.persona.firstName} ${action.persona.lastName}`.trim() : '';
      const note =
        action?.reason === 'profile_picture_not_accessible'
          ? `${who || 'A persona'}’s profile picture was not publicly accessible. Paste a public image URL, re-enter the Smartlead password and place the corrected order.`
          : 'Correct what Peeker flagged, re-enter the Smartlead password and place the corrected order.';
      await openForm({
        triggerId,
        userId,
        channelId: order.channelId,
        prefill: prefillFrom(order.request, note),
        reorderOf: order.id,
      });
    },

    /** A draft lost to a restart: the form again, pre-filled from it. */
    async openFromDraft(triggerId: string, userId: string, draftId: string): Promise<void> {
      const draft = deps.orders.draft(draftId);
      if (!draft) return;
      await openForm({
        triggerId,
        userId,
        channelId: draft.channelId,
        prefill: prefillFrom(draft.request, 'Re-enter the Smartlead password and place the order again.'),
      });
    },

    /** "Add persona" / "Remove last persona": re-render with one row more or less, keeping what was typed. */
    async changePersonaRows(
      view: { id: string; hash: string; private_metadata?: string; state?: { values?: unknown } },
      delta: 1 | -1,
    ): Promise<void> {
      const metadata = decodeFormMetadata(view.private_metadata);
      if (!metadata) return;
      const personaCount = Math.min(10, Math.max(1, metadata.personaCount + delta));
      const current = readFormValues((view.state?.values ?? {}) as StateValues, metadata.personaCount);
      const choices = bundles.peek() ?? (await bundles.get().catch(() => []));
      bundles.refreshIfStale();
      await updateView(
        view.id,
        renderOrderForm({
          channelId: metadata.channelId,
          bundles: choices,
          verifiedDomains: verifiedDomainsFor(metadata.channelId),
          askSmartleadLogin,
          personaCount,
          current: { ...current, personas: current.personas.slice(0, personaCount) },
          sandbox: deps.isSandbox(),
          ...(metadata.reorderOf ? { reorderOf: metadata.reorderOf } : {}),
        }),
        view.hash,
      );
    },

    /** The form's "Review": validate everything, then show the review (or each error by its field). */
    async submitForm(
      view: { private_metadata?: string; state?: { values?: unknown } },
      userId: string,
    ): Promise<ViewAck> {
      const metadata = decodeFormMetadata(view.private_metadata);
      if (!metadata) {
        return {
          response_action: 'errors',
          errors: { customer_email: 'This form has expired. Close it and run /peeker order again.' },
        };
      }
      let choices = bundles.peek();
      bundles.refreshIfStale();
      if (!choices) {
        choices = await Promise.race([
          bundles.get().catch(() => undefined),
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2000)),
        ]);
      }
      if (!choices) {
        return {
          response_action: 'errors',
          errors: { bundle: 'Could not load the bundles from Peeker just now. Try again in a moment.' },
        };
      }
      const result = validateOrderForm((view.state?.values ?? {}) as StateValues, {
        personaCount: metadata.personaCount,
        askSmartleadLogin,
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
          login_email: form.smartleadEmail ?? deps.defaultLogin?.email ?? '',
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
      deps.orders.createDraft({
        id: draftId,
        userId,
        channelId: metadata.channelId,
        request,
        bundleName: bundle?.name ?? null,
        reorderOf: metadata.reorderOf ?? null,
        now: now(),
      });
      if (form.smartleadPassword) vault.put(draftId, form.smartleadPassword, now());
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

    /**
     * "Place order". Acknowledged at once with a "placing" view; the draft is claimed first, so a
     * double click or a Slack retry finds it taken and cannot place a second order.
     */
    placeOrder(
      view: { id: string; private_metadata?: string },
      userId: string,
    ): { ack: ViewAck; afterAck?: () => Promise<void> } {
      if (!canPlace(userId)) {
        deps.metrics?.commands.inc({ subcommand: 'order', outcome: 'not_allowed' });
        return { ack: { response_action: 'update', view: renderOrderNotAllowed([...deps.approvers]) } };
      }
      const draftId = decodeReviewMetadata(view.private_metadata)?.draftId;
      const draft = draftId ? deps.orders.draft(draftId) : undefined;
      if (!draft) {
        return {
          ack: {
            response_action: 'update',
            view: renderOrderUnavailable('This review has expired. Close it and run /peeker order again.'),
          },
        };
      }
      if (draft.status === 'placed') {
        const order = deps.orders.orderForDraft(draft.id);
        if (order) {
          return {
            ack: {
              response_action: 'update',
              view: renderOrderPlaced({
                orderId: order.id,
                channelId: order.channelId,
                totalCents: order.totalCents,
                currency: order.currency,
                sandbox: order.sandbox,
                posted: true,
              }),
            },
          };
        }
      }
      if (!deps.orders.claimDraft(draft.id, view.id, now())) {
        return { ack: { response_action: 'update', view: renderOrderPlacing() } };
      }
      return {
        ack: { response_action: 'update', view: renderOrderPlacing() },
        afterAck: () => placeDraft({ ...draft, status: 'submitting' }, view.id),
      };
    },

    /**
     * After a restart: drafts that were being placed. With a configured login the identical body
     * is sent again (Peeker dedupes it); otherwise the password is gone, so we look for the order
     * in Peeker and, if it never arrived, ask the person to place it again.
     */
    async resumeSubmitting(): Promise<void> {
      for (const draft of deps.orders.submittingDrafts()) {
        if (deps.defaultLogin) {
          await placeDraft(draft, draft.viewId);
          continue;
        }
        try {
          const { data } = await deps.peeker.orders.find({
            userEmail: draft.request.user,
            bundleId: draft.request.bundle_id,
          });
          const landed = data.find(
            (order) =>
              (order.domain_count ?? draft.request.domains.length) === draft.request.domains.length &&
              (!order.created_at || Date.parse(order.created_at) >= draft.updatedAt - 5 * 60_000),
          );
          if (landed) {
            const audience = await audienceOf(draft.channelId);
            const { order, messageId } = deps.tracker.recordPlacement(
              draft,
              landed,
              { audience, sandbox: deps.isSandbox() },
              now(),
            );
            await deps.publisher.postNow(messageId);
            const text = `✅ Order ${order.id} was placed; its status thread is in <#${order.channelId}>.`;
            await deps.responder.dm(draft.userId, { text, blocks: [section(text)] });
            continue;
          }
          deps.orders.settleDraft(draft.id, 'failed', null, 'lost_on_restart', now());
          const text = `⚠️ Your order for ${draft.request.user} did not reach Peeker before the app restarted, so nothing was ordered. Open the form to place it again (the Smartlead password must be entered again).`;
          await deps.responder.dm(draft.userId, {
            text,
            blocks: [
              section(text),
              {
                type: 'actions',
                elements: [
                  {
                    type: 'button',
                    action_id: ACTION.openOrderForm,
                    text: { type: 'plain_text', text: 'Open the order form' },
                    value: draft.id,
                  },
                ],
              },
            ],
          });
        } catch (error) {
          deps.logger.warn(
            { draftId: draft.id, err: error },
            'could not check an interrupted order; will retry on next start',
          );
        }
      }
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;

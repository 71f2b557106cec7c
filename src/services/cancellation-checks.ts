import { parseDomainList } from '../parsing/domains.js';
import type { PeekerClient } from '../peeker/client.js';
import { describePeekerError, PeekerNotFoundError } from '../peeker/errors.js';
import type { PeekerOrderDetail } from '../peeker/orders.js';
import type { CancellationRequest, CancellationsRepo } from '../store/cancellations-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import { formatDate } from '../views/dates.js';
import { peekerErrorText } from '../views/peeker-error.js';
import { code, escapeMrkdwn, formatDuration, joinLimited } from '../views/text.js';
import { summarizeCancellation } from './cancellation-state.js';

/** A request that may have reached Peeker blocks a new one for the same order this long. */
export const BLOCKING_WINDOW_MS = 24 * 3600_000;

export interface CancellationChecksDeps {
  orders: OrdersRepo;
  cancellations: CancellationsRepo;
  peeker: PeekerClient;
  now: () => number;
}

/** What the person asked to cancel: the whole order (`domains: null`) or some of its domains. */
export interface CancelAsk {
  orderId: string;
  domains: string[] | null;
  userId: string;
  originChannelId: string | null;
}

export type Checked = { ok: true; domains: string[] | null } | { ok: false; problem: string };

/** What the confirm view shows of an order that passed every check. */
export interface CheckedOrder {
  customerEmail: string | null;
  bundleName: string | null;
  channelId: string | null;
  /** The order's domains, when known (lowercased). */
  orderDomains: string[] | null;
}

/** Every domain name of a Peeker order detail, when it lists them. */
function detailDomains(detail: PeekerOrderDetail): string[] | null {
  const domains = detail.domains;
  if (!domains) return null;
  if (Array.isArray(domains)) {
    return domains.map((entry) => (typeof entry === 'string' ? entry : entry.domain).toLowerCase());
  }
  return [...(domains.registered ?? []), ...(domains.imported ?? [])].map((domain) => domain.toLowerCase());
}

/**
 * Checking a cancel request against the order (SQLite for an order we follow, Peeker for one we
 * do not) before anything is sent: an unknown order, one already cancelled or scheduled to be,
 * domains not on the order or already stopping, and a request that may already have reached Peeker.
 */
export function createCancellationChecks(deps: CancellationChecksDeps) {
  /** A request that may have reached Peeker and still has no word from it. */
  function blocking(orderId: string, exceptId = ''): CancellationRequest | undefined {
    const found = deps.cancellations.blockingFor(orderId, exceptId);
    return found && deps.now() - found.updatedAt < BLOCKING_WINDOW_MS ? found : undefined;
  }

  function blockedText(orderId: string, request: CancellationRequest): string {
    return `A cancellation of order ${code(orderId)} asked ${formatDuration(deps.now() - request.createdAt)} ago may already have reached Peeker, and Peeker has not confirmed it yet. It is not sent twice: wait for Peeker’s confirmation in the order’s thread, or check \`/peeker status ${escapeMrkdwn(orderId)}\`.`;
  }

  /** A followed order's domains as they are now (a swap changes them), lowercased. */
  function currentDomains(orderId: string, requested: readonly string[]): string[] {
    const listed = deps.orders.domainsOf(orderId);
    return (listed.length > 0 ? listed : requested).map((domain) => domain.toLowerCase());
  }

  /** The checks on what a followed order holds; undefined when everything asked can be cancelled. */
  function checkFollowed(orderId: string, domains: string[] | null): string | undefined {
    const order = deps.orders.get(orderId);
    if (!order) return undefined;
    const states = deps.cancellations.domainStates(orderId);
    const ends = formatDate(summarizeCancellation(states)?.endsAt ?? null);
    if (order.status === 'cancelled') return `Order ${code(orderId)} is already cancelled.`;
    if (order.status === 'cancel_scheduled') {
      return `Order ${code(orderId)} is already scheduled to be cancelled${ends ? ` (it ends on ${ends})` : ''}.`;
    }
    if (domains !== null) {
      const current = currentDomains(orderId, order.request.domains);
      const onOrder = new Set(current);
      const notOnOrder = domains.filter((domain) => !onOrder.has(domain));
      if (notOnOrder.length > 0) {
        return `${joinLimited(notOnOrder.map(code), 10)} ${notOnOrder.length === 1 ? 'is' : 'are'} not on order ${code(orderId)}. Its domains: ${joinLimited(current.map(code), 20)}.`;
      }
      const alreadyStopping = new Set(states.map((row) => row.domain));
      const again = domains.filter((domain) => alreadyStopping.has(domain));
      if (again.length > 0) {
        return `${joinLimited(again.map(code), 10)} ${again.length === 1 ? 'is' : 'are'} already cancelled or scheduled to stop${ends ? ` (ending ${ends})` : ''}.`;
      }
    }
    const request = blocking(orderId);
    return request ? blockedText(orderId, request) : undefined;
  }

  /**
   * Everything `/peeker cancel ord_… [domains…]` can check before acknowledging (SQLite only):
   * the names are root domains and, for an order we follow, on the order and not already stopping.
   */
  function checkLocally(orderId: string, domainText: string): Checked {
    let domains: string[] | null = null;
    if (domainText.trim() !== '') {
      const parsed = parseDomainList(domainText);
      if (parsed.invalid.length > 0) {
        const lines = parsed.invalid
          .slice(0, 20)
          .map((entry) => `• ${code(entry.input)} — ${escapeMrkdwn(entry.message)}`);
        return { ok: false, problem: `Nothing was cancelled:\n${lines.join('\n')}` };
      }
      domains = parsed.domains;
    }
    const problem = checkFollowed(orderId, domains);
    return problem ? { ok: false, problem } : { ok: true, domains };
  }

  /** Every check before the confirm view (Peeker is asked about orders we do not follow). */
  async function checkAsk(ask: CancelAsk): Promise<CheckedOrder | { problem: string }> {
    const local = deps.orders.get(ask.orderId);
    if (local) {
      const problem = checkFollowed(ask.orderId, ask.domains);
      if (problem) return { problem };
      return {
        customerEmail: local.customerEmail,
        bundleName: local.bundleName,
        channelId: local.channelId ?? null,
        orderDomains: currentDomains(ask.orderId, local.request.domains),
      };
    }
    let detail: PeekerOrderDetail;
    try {
      detail = (await deps.peeker.orders.get(ask.orderId)).data;
    } catch (error) {
      if (error instanceof PeekerNotFoundError) {
        return { problem: `Peeker has no order ${code(ask.orderId)} in this account. Check the ID.` };
      }
      return { problem: peekerErrorText('look the order up', describePeekerError(error)) };
    }
    if (detail.status === 'cancelled' || detail.status === 'cancel_scheduled') {
      return {
        problem: `Order ${code(ask.orderId)} is already ${detail.status === 'cancelled' ? 'cancelled' : 'scheduled to be cancelled'}.`,
      };
    }
    const orderDomains = detailDomains(detail);
    if (ask.domains && orderDomains) {
      const onOrder = new Set(orderDomains);
      const notOnOrder = ask.domains.filter((domain) => !onOrder.has(domain));
      if (notOnOrder.length > 0) {
        return {
          problem: `${joinLimited(notOnOrder.map(code), 10)} ${notOnOrder.length === 1 ? 'is' : 'are'} not on order ${code(ask.orderId)}. Its domains: ${joinLimited(orderDomains.map(code), 20)}.`,
        };
      }
    }
    const request = blocking(ask.orderId);
    if (request) return { problem: blockedText(ask.orderId, request) };
    return { customerEmail: detail.email ?? null, bundleName: null, channelId: null, orderDomains };
  }

  return { blocking, blockedText, checkLocally, checkAsk };
}

export type CancellationChecks = ReturnType<typeof createCancellationChecks>;

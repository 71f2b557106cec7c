/**
 * Rows for the follow-up tests and benchmark: imports, orders and actions written through
 * the app's own repositories, and their status messages marked posted in the outbox, so the digest
 * and the Home board read them exactly as the running app would.
 */
import type { DnsRepo } from '../../src/store/dns-repo.js';
import type { ImportRecord, ImportsRepo } from '../../src/store/imports-repo.js';
import type { OrderActionsRepo } from '../../src/store/order-actions-repo.js';
import type { OrderRecord, OrdersRepo } from '../../src/store/orders-repo.js';
import type { SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';

export const PAIR: [string, string] = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];

let seq = 0;
/** A Slack `ts` (unique within the process). */
export function nextTs(): string {
  seq += 1;
  return `1700000000.${String(seq).padStart(6, '0')}`;
}

export function importRecord(
  id: string,
  patch: Partial<ImportRecord> & { domains?: string[] } = {},
): ImportRecord {
  const { domains = [`${id}-a.com`, `${id}-b.com`], ...rest } = patch;
  const at = rest.submittedAt ?? 0;
  return {
    id,
    kind: 'sync',
    commandId: null,
    batch: null,
    channelId: 'CCUST',
    requestedBy: 'UOPS',
    phase: 'awaiting_dns',
    peekerStatus: 'completed',
    nameserverGroups: [{ nameservers: PAIR, domains }],
    handoffCompletedAt: null,
    failureReason: null,
    submittedAt: at,
    nameserversAt: at,
    waitingSince: null,
    finishedAt: null,
    updatedAt: at,
    nextCheckAt: null,
    lastCheckedAt: null,
    checkFailures: 0,
    ...rest,
  };
}

/** Inserts an import with its domains (pending unless `verified`/`failed`) and its posted instructions message. */
export function seedImport(
  repos: { imports: ImportsRepo; outbox: SlackOutboxRepo },
  id: string,
  patch: Partial<ImportRecord> & { domains?: string[] } = {},
): ImportRecord {
  const record = importRecord(id, patch);
  const domains = patch.domains ?? record.nameserverGroups.flatMap((group) => group.domains);
  const state = record.phase === 'verified' ? 'verified' : record.phase === 'failed' ? 'failed' : 'pending';
  repos.imports.insert(
    record,
    domains.map((domain, position) => ({ domain, position, state, failureReason: null })),
  );
  const message = repos.outbox.ensureMessage({ type: 'import', id }, record.channelId, record.submittedAt);
  repos.outbox.claimPost(message.id, record.submittedAt);
  repos.outbox.markPosted(message.id, nextTs(), 1, 'hash', record.submittedAt);
  return record;
}

export function orderRecord(id: string, patch: Partial<OrderRecord> = {}): OrderRecord {
  const at = patch.createdAt ?? 0;
  return {
    id,
    draftId: null,
    channelId: 'COPS',
    audience: 'ops',
    placedBy: 'UOPS',
    customerEmail: `${id}@acme.com`,
    bundleId: 'bun_1',
    bundleName: 'Starter',
    domainCount: 2,
    status: 'in_progress',
    statusChangedAt: null,
    totalCents: 9800,
    currency: 'usd',
    sandbox: false,
    request: {
      user: `${id}@acme.com`,
      bundle_id: 'bun_1',
      sequencer: { provider: 'smartlead', client_id: 1, login_email: 'ops@acme.com' },
      forwarding_url: 'https://acme.com',
      domains: [`${id}-x.com`, `${id}-y.com`],
      personas: [],
    },
    failureReason: null,
    createdAt: at,
    updatedAt: at,
    lastEventAt: null,
    nextReconcileAt: null,
    ...patch,
  };
}

/** Inserts an order with its domains and its posted status message. */
export function seedOrder(
  repos: { orders: OrdersRepo; outbox: SlackOutboxRepo },
  id: string,
  patch: Partial<OrderRecord> & { connected?: number } = {},
): OrderRecord {
  const { connected = 0, ...rest } = patch;
  const order = orderRecord(id, rest);
  repos.orders.insert(order, order.request.domains);
  for (const domain of order.request.domains.slice(0, connected)) {
    repos.orders.connectDomain(id, domain, 'google', order.createdAt);
  }
  const message = repos.outbox.ensureMessage({ type: 'order', id }, order.channelId, order.createdAt);
  repos.outbox.claimPost(message.id, order.createdAt);
  repos.outbox.markPosted(message.id, nextTs(), 1, 'hash', order.createdAt);
  return order;
}

/** An open `profile_picture_not_accessible` action on an order. */
export function seedAction(actions: OrderActionsRepo, orderId: string, id: string, at = 0): void {
  actions.save(
    {
      id,
      orderId,
      type: 'google_profile_picture',
      reason: 'profile_picture_not_accessible',
      status: 'open',
      domain: `${orderId}-x.com`,
      persona: { firstName: 'Sam', lastName: 'Lee', pictureUrl: 'https://private.acme.com/sam.jpg' },
      message: 'The profile picture URL must be a publicly accessible image URL.',
    },
    at,
  );
}

/** Records what a DNS check found for an import's domains (as the DNS checks would). */
export function seedDns(
  dns: DnsRepo,
  importId: string,
  states: {
    domain: string;
    state: 'pointing' | 'elsewhere' | 'not_found';
    nameservers?: string[];
    registrar?: string;
  }[],
  at: number,
): void {
  dns.saveCheck(
    {
      importId,
      nextCheckAt: at + 60_000,
      lastCheckedAt: at,
      allPointing: states.every((s) => s.state === 'pointing'),
    },
    states.map((state) => ({
      domain: state.domain,
      state: state.state,
      nameservers: state.nameservers ?? [],
      registrarId: state.registrar ?? null,
      lastError: null,
      checkedAt: at,
      changedAt: at,
    })),
  );
}

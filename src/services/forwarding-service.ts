import { z } from 'zod';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { MAX_FORWARD_DOMAINS } from '../parsing/forward-targets.js';
import type { PeekerClient } from '../peeker/client.js';
import { describePeekerError } from '../peeker/errors.js';
import type { SlackPublisher } from '../slack/publisher.js';
import type { Responder } from '../slack/responder.js';
import type { CommandRecord, CommandsRepo } from '../store/commands-repo.js';
import type { ForwardingRepo } from '../store/forwarding-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { LiveDomainsRepo } from '../store/live-domains-repo.js';
import type { Audience, OrdersRepo } from '../store/orders-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import { renderForwardElsewhere, renderForwardRefused } from '../views/forwarding-message.js';
import { renderUsageError } from '../views/help.js';
import { postFailureNotice } from '../views/import-feedback.js';
import { peekerErrorText } from '../views/peeker-error.js';
import { section } from '../views/text.js';
import { durableCommand, type RegisteredCommand } from './command-runner.js';
import type { DomainDirectory } from './domain-directory.js';
import { type ForwardingTracker, forwardingSubject } from './forwarding-tracker.js';

export const FORWARD_COMMAND = 'forward';

/** What `/peeker forward` stores before it acknowledges: parsed targets and the checked URL. */
export const forwardCommandArgs = z.object({
  domains: z.array(z.string().min(1)),
  domainIds: z.array(z.string().min(1)).default([]),
  orderIds: z.array(z.string().min(1)),
  url: z.string().min(1),
});
export type ForwardCommandArgs = z.output<typeof forwardCommandArgs>;

/** A batch Peeker could not take (5xx, timeout, 429) is sent again 30 s, 1 min, 2 min… later, 8 times at most. */
const SEND_BACKOFF: BackoffPolicy = { baseMs: 30_000, capMs: 15 * 60_000 };
const MAX_SEND_ATTEMPTS = 8;

type Resolution =
  | { ok: true; domains: { domain: string; orderId: string | null }[] }
  | {
      ok: false;
      refused: { unknown: string[]; notConnected: string[]; emptyOrders: string[]; unknownOrders: string[] };
    }
  | { ok: false; tooMany: number };

/**
 * `/peeker forward`: works out which connected domains are meant (an order ID means all of its
 * connected domains), refuses unknown or not-connected names before any change, records the
 * request with its jobs of ≤25 and its message, then sends each job. Re-sending a job is harmless
 * (Peeker lists domains already pointed at the URL as completed), so a batch that failed
 * transiently is sent again — right away by the client's retries, later by the poll loop.
 */
export function createForwardingService(deps: {
  commands: CommandsRepo;
  forwarding: ForwardingRepo;
  liveDomains: LiveDomainsRepo;
  orders: OrdersRepo;
  imports: ImportsRepo;
  directory: DomainDirectory;
  tracker: ForwardingTracker;
  outbox: SlackOutboxRepo;
  peeker: PeekerClient;
  publisher: SlackPublisher;
  responder: Responder;
  audienceOf: (channelId: string) => Promise<Audience>;
  logger: Logger;
  metrics?: Metrics;
  isSandbox: () => boolean;
  now: () => number;
}) {
  const { forwarding, liveDomains, orders, tracker, peeker } = deps;
  /** Batches being sent right now (the command and the poll loop never send one twice at once). */
  const sending = new Set<string>();

  async function resolve(args: ForwardCommandArgs): Promise<Resolution> {
    const chosen = new Map<string, string | null>();
    const missing: string[] = [];
    for (const domain of args.domains) {
      const known = liveDomains.get(domain);
      if (known?.state === 'connected') chosen.set(domain, known.orderId);
      else missing.push(domain);
    }
    const idsToAsk: string[] = [];
    for (const domainId of args.domainIds) {
      const known = liveDomains.byDomainId(domainId);
      if (known?.state === 'connected') chosen.set(known.domain, known.orderId);
      else idsToAsk.push(domainId);
    }
    const ordersToAsk: string[] = [];
    for (const orderId of args.orderIds) {
      const known = liveDomains.connectedOfOrder(orderId);
      const order = orders.get(orderId);
      if (order && known.length >= order.domainCount) for (const d of known) chosen.set(d.domain, orderId);
      else ordersToAsk.push(orderId);
    }
    const refused = {
      unknown: [] as string[],
      notConnected: [] as string[],
      emptyOrders: [] as string[],
      unknownOrders: [] as string[],
    };
    if (missing.length > 0 || idsToAsk.length > 0 || ordersToAsk.length > 0) {
      const rows = await deps.directory.fetchConnected();
      const byName = new Map(rows.map((row) => [row.domain.toLowerCase(), row]));
      for (const domain of missing) {
        const row = byName.get(domain);
        if (row) chosen.set(domain, row.order_id ?? liveDomains.get(domain)?.orderId ?? null);
        else if (
          deps.imports.latestForDomain(domain) ||
          orders.latestIdForDomain(domain) ||
          liveDomains.get(domain)
        ) {
          refused.notConnected.push(domain);
        } else refused.unknown.push(domain);
      }
      for (const domainId of idsToAsk) {
        const row = rows.find((candidate) => candidate.id === domainId);
        if (row) chosen.set(row.domain.toLowerCase(), row.order_id ?? null);
        else refused.unknown.push(domainId);
      }
      for (const orderId of ordersToAsk) {
        const ofOrder = rows.filter((row) => row.order_id === orderId);
        for (const row of ofOrder) chosen.set(row.domain.toLowerCase(), orderId);
        if (ofOrder.length === 0) {
          if (orders.get(orderId)) refused.emptyOrders.push(orderId);
          else refused.unknownOrders.push(orderId);
        }
      }
    }
    if (Object.values(refused).some((list) => list.length > 0)) return { ok: false, refused };
    if (chosen.size > MAX_FORWARD_DOMAINS) return { ok: false, tooMany: chosen.size };
    return { ok: true, domains: [...chosen].map(([domain, orderId]) => ({ domain, orderId })) };
  }

  /**
   * The domains not ordered or imported in `channelId`: a domain belongs to the channel of its
   * order, or else of its latest import; one the app never saw there belongs elsewhere.
   */
  function notOfChannel(domains: { domain: string; orderId: string | null }[], channelId: string): string[] {
    return domains
      .filter(({ domain, orderId }) => {
        const orderChannel = (orderId ? orders.get(orderId) : undefined)?.channelId;
        if (orderChannel !== undefined) return orderChannel !== channelId;
        return deps.imports.latestForDomain(domain)?.channelId !== channelId;
      })
      .map(({ domain }) => domain);
  }

  /** Sends one batch unless Peeker already accepted it; records the job or why it was not sent. */
  async function sendBatch(
    requestId: number,
    batchNumber: number,
  ): Promise<'sent' | 'deferred' | 'rejected' | 'skipped'> {
    const key = `${requestId}:${batchNumber}`;
    const batch = forwarding.batch(requestId, batchNumber);
    const request = forwarding.get(requestId);
    if (!batch || !request || batch.status !== 'unsent' || sending.has(key)) return 'skipped';
    sending.add(key);
    try {
      const domains = forwarding.domainsOfBatch(requestId, batchNumber).map((domain) => domain.domain);
      const { data } = await peeker.forwarding.create(domains, request.url);
      tracker.recordJob(
        requestId,
        batchNumber,
        {
          id: data.id,
          status: data.status,
          completed: data.completed,
          failed: data.failed.map((row) => ({ domain: row.domain, reason: row.reason ?? null })),
        },
        deps.now(),
      );
      return 'sent';
    } catch (error) {
      const info = describePeekerError(error);
      deps.logger.warn(
        { requestId, batch: batchNumber, code: info.code, peekerRequestId: info.requestId, err: error },
        'forwarding batch not accepted',
      );
      const giveUp =
        info.kind === 'rejected' || info.kind === 'auth' || batch.attempts + 1 >= MAX_SEND_ATTEMPTS;
      if (giveUp) {
        tracker.rejectBatch(
          requestId,
          batchNumber,
          {
            code: info.code,
            message: info.message,
            requestId: info.requestId ?? null,
            field: info.field ?? null,
          },
          deps.now(),
        );
        // A customer's channel shows only that the change failed; the requester gets the details.
        if (request.audience === 'customer') {
          const names = forwarding.domainsOfBatch(requestId, batchNumber).map((row) => row.domain);
          const what = names.length === 1 ? (names[0] ?? '') : `${names.length} domains`;
          const text = peekerErrorText(
            `repoint ${what} to ${request.url} (from <#${request.channelId}>)`,
            info,
          );
          await deps.responder.dm(request.requestedBy, { text, blocks: [section(text)] }).catch(() => false);
        }
        return 'rejected';
      }
      tracker.deferBatch(
        requestId,
        batchNumber,
        deps.now() + backoffDelay(SEND_BACKOFF, batch.attempts),
        deps.now(),
      );
      return 'deferred';
    } finally {
      sending.delete(key);
    }
  }

  async function run(command: CommandRecord<ForwardCommandArgs>): Promise<void> {
    deps.commands.startAttempt(command.id, deps.now());
    const requester = {
      userId: command.userId,
      channelId: command.originChannelId,
      responseUrl: command.responseUrl,
    };
    let request = forwarding.forCommand(command.id);
    if (!request) {
      let resolution: Resolution;
      try {
        resolution = await resolve(command.args);
      } catch (error) {
        const text = peekerErrorText('list the connected domains', describePeekerError(error));
        await deps.responder.tell(requester, { text, blocks: [section(text)] });
        deps.metrics?.commands.inc({ subcommand: 'forward', outcome: 'peeker_error' });
        deps.commands.finish(command.id, 'peeker_error', deps.now());
        return;
      }
      if (!resolution.ok) {
        await deps.responder.tell(
          requester,
          'refused' in resolution
            ? renderForwardRefused(resolution.refused)
            : renderUsageError(
                'forward',
                `That is ${resolution.tooMany} connected domains; repoint at most ${MAX_FORWARD_DOMAINS} per command.`,
              ),
        );
        deps.metrics?.commands.inc({ subcommand: 'forward', outcome: 'refused' });
        deps.commands.finish(command.id, 'refused', deps.now());
        return;
      }
      const audience = await deps.audienceOf(command.originChannelId).catch((): Audience => 'customer');
      // The job message is posted where the command was typed: in a customer's channel it may only
      // name that customer's domains, never another customer's.
      const elsewhere =
        audience === 'customer' ? notOfChannel(resolution.domains, command.originChannelId) : [];
      if (elsewhere.length > 0) {
        await deps.responder.tell(requester, renderForwardElsewhere(elsewhere));
        deps.metrics?.commands.inc({ subcommand: 'forward', outcome: 'refused' });
        deps.commands.finish(command.id, 'refused', deps.now());
        return;
      }
      tracker.createRequest(
        {
          commandId: command.id,
          channelId: command.originChannelId,
          audience,
          requestedBy: command.userId,
          url: command.args.url,
          sandbox: deps.isSandbox(),
          domains: resolution.domains,
        },
        deps.now(),
      );
      request = forwarding.forCommand(command.id);
      if (!request) throw new Error('forwarding request vanished after insert');
    }
    const message = deps.outbox.messageFor(forwardingSubject(request.id));
    if (message) {
      const outcome = await deps.publisher.postNow(message.id);
      if (outcome.status === 'failed') {
        await deps.responder.tell(requester, postFailureNotice(request.channelId, outcome.failure.error));
      }
    }
    for (const batch of forwarding.batchesOf(request.id)) {
      if (batch.status === 'unsent') await sendBatch(request.id, batch.batch);
    }
    deps.metrics?.commands.inc({ subcommand: 'forward', outcome: 'ok' });
    deps.commands.finish(command.id, 'ok', deps.now());
  }

  return {
    run,
    sendBatch,
    /** Batches due to be sent again (the poll loop); returns how many calls were made. */
    async sendDue(limit: number): Promise<{ sent: number; failed: number }> {
      const result = { sent: 0, failed: 0 };
      for (const batch of forwarding.dueToSend(deps.now(), limit)) {
        const outcome = await sendBatch(batch.requestId, batch.batch);
        if (outcome === 'sent') result.sent += 1;
        else if (outcome !== 'skipped') result.failed += 1;
      }
      return result;
    },
  };
}

export type ForwardingService = ReturnType<typeof createForwardingService>;

/** `/peeker forward` as a durable command: stored before the ack, finished (or resumed) in the background. */
export function forwardCommand(service: ForwardingService): RegisteredCommand {
  return durableCommand({
    kind: FORWARD_COMMAND,
    args: forwardCommandArgs,
    run: (command) => service.run(command),
  });
}

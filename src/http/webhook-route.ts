import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { webhookEventSchema } from '../peeker/webhook-events.js';
import { verifyWebhookSignature } from '../peeker/webhook-signature.js';
import { metricType } from '../services/webhook-processor.js';
import type { StorageHealth } from '../store/storage-health.js';
import type { WebhookEventsRepo } from '../store/webhook-events-repo.js';
import { BodyTooLargeError, readBody } from './body.js';
import { sendJson } from './respond.js';

export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * `POST /peeker/webhooks` (https://docs.peeker.ai/webhooks): verify the signature on the raw bytes, store the event
 * once per `Peeker-Event-Id` (synchronously, durably), answer 2xx, and only then apply it. A
 * redelivery is answered 2xx too, or Peeker would keep retrying it. Nothing unsigned, forged,
 * stale or malformed is stored.
 */
export function createWebhookRoute(options: {
  secrets: readonly string[];
  events: WebhookEventsRepo;
  logger: Logger;
  metrics?: Metrics;
  onStored: () => void;
  /** Storing can fail (disk full, read-only file): then the answer is 503 and Peeker retries later. */
  storage?: StorageHealth;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const finish = (status: number, outcome: string, body: Record<string, unknown>, type = 'unknown') => {
      sendJson(res, status, body);
      options.metrics?.webhookEvents.inc({ type, outcome });
      options.metrics?.webhookReceipt.observe({ outcome }, (performance.now() - started) / 1000);
    };
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, WEBHOOK_BODY_LIMIT);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // Stop reading; the client must not stream the rest into us.
        res.setHeader('connection', 'close');
        finish(413, 'too_large', { error: 'payload_too_large', limit_bytes: WEBHOOK_BODY_LIMIT });
        req.destroy();
        return;
      }
      return finish(400, 'unreadable', { error: 'unreadable_body' });
    }
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
    const check = verifyWebhookSignature({
      rawBody,
      signature: header('peeker-signature'),
      timestamp: header('peeker-timestamp'),
      secrets: options.secrets,
      nowSeconds: Math.floor(now() / 1000),
    });
    if (!check.ok) {
      options.logger.warn({ reason: check.reason }, 'rejected webhook: bad signature');
      return finish(401, 'rejected_signature', { error: 'invalid_signature', reason: check.reason });
    }
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return finish(400, 'malformed', { error: 'invalid_json' });
    }
    const parsed = webhookEventSchema.safeParse(json);
    if (!parsed.success) return finish(400, 'malformed', { error: 'invalid_event' });
    const event = parsed.data;
    const eventId = header('peeker-event-id')?.trim() || event.id;
    if (eventId.length > 200) return finish(400, 'malformed', { error: 'invalid_event_id' });
    let stored: boolean;
    try {
      stored = options.events.store({
        eventId,
        type: event.type,
        payload: rawBody.toString('utf8'),
        createdAt: event.created_at ?? null,
        receivedAt: now(),
      });
    } catch (error) {
      if (!options.storage?.noteFailure(error)) throw error;
      // Never a 2xx for an event we could not store: Peeker redelivers it later (up to 5 times
      // over 24 hours, https://docs.peeker.ai/webhooks).
      options.logger.error({ err: error, eventId }, 'could not store a webhook event; answering 503');
      res.setHeader('retry-after', '60');
      return finish(503, 'storage_unavailable', { error: 'storage_unavailable' }, metricType(event.type));
    }
    finish(
      200,
      stored ? 'stored' : 'duplicate',
      { received: true, duplicate: !stored },
      metricType(event.type),
    );
    if (stored) options.onStored();
  };
}

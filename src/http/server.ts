import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { BackgroundGate } from '../lib/background-gate.js';
import type { Logger } from '../logger.js';
import { sendJson, sendText } from './respond.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpRoutes {
  /** Bolt's HTTPReceiver listener for `POST /slack/events` (HTTP mode only). */
  slackEvents?: Handler;
  peekerWebhooks: Handler;
  health: () => { ok: boolean; body: Record<string, unknown> };
  metrics: () => Promise<{ contentType: string; body: string }>;
}

/** Slow or stalled clients are cut off: the whole request must arrive within this time. */
export const REQUEST_TIMEOUT_MS = 15_000;
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * The one HTTP server on `PORT`, in both Slack modes: Slack's events (HTTP mode), Peeker's
 * webhooks, `/healthz` and `/metrics`. A plain `node:http` server rather than Bolt's custom routes
 * so both modes share one port, one set of timeouts and one body-size policy.
 */
export function createHttpServer(
  routes: HttpRoutes,
  logger: Logger,
  limits: { requestTimeoutMs?: number; headersTimeoutMs?: number; checkIntervalMs?: number } = {},
  /** Background work waits while a request is being answered (acks first). */
  gate?: BackgroundGate,
): Server {
  const server = createServer(
    // Node checks the two timeouts every `connectionsCheckingInterval` (30 s by default), which
    // would let a stalled client hold a socket far longer than the timeout says.
    { connectionsCheckingInterval: limits.checkIntervalMs ?? 1_000 },
    (req, res) => {
      if (gate) {
        const leave = gate.enter();
        res.once('finish', leave);
        res.once('close', leave);
      }
      const path = (req.url ?? '/').split('?')[0];
      const route = (method: string, handler: Handler | undefined): boolean => {
        if (!handler) return false;
        if (req.method !== method) {
          res.setHeader('allow', method);
          sendJson(res, 405, { error: 'method_not_allowed' });
          return true;
        }
        Promise.resolve(handler(req, res)).catch((error: unknown) => {
          logger.error({ err: error, path }, 'http handler failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
          else res.destroy();
        });
        return true;
      };
      switch (path) {
        case '/slack/events':
          if (route('POST', routes.slackEvents)) return;
          break;
        case '/peeker/webhooks':
          if (route('POST', routes.peekerWebhooks)) return;
          break;
        case '/healthz':
          if (
            route('GET', (_req, response) => {
              const health = routes.health();
              sendJson(response, health.ok ? 200 : 503, health.body);
            })
          )
            return;
          break;
        case '/metrics':
          if (
            route('GET', async (_req, response) => {
              const metrics = await routes.metrics();
              sendText(response, 200, metrics.body, metrics.contentType);
            })
          )
            return;
          break;
      }
      sendJson(res, 404, { error: 'not_found' });
    },
  );
  server.requestTimeout = limits.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  server.headersTimeout = limits.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = 5_000;
  server.maxRequestsPerSocket = 1000;
  return server;
}

/**
 * A system under test in its own process (started by `ChildApp.start` in bench/lib.ts with
 * `--expose-gc --import tsx`). `BENCH_CHILD_MODE`:
 * - `peeker`: the real app (`createPeekerApp`, configuration from the environment, no-op logs);
 * - `bolt`: a bare Bolt app that acknowledges `/peeker` and `order_form` submissions at once (with
 *   `BENCH_BOLT_WEBHOOKS=1`, also the `plain` webhook route below as a Bolt custom route);
 * - `plain`: a plain `node:http` server that verifies the webhook HMAC and inserts one row into
 *   better-sqlite3 with the app's pragmas (WAL, synchronous = NORMAL), then answers 200.
 * Sends `{type: 'ready', port, readyMs}` once listening, then answers IPC requests.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { App, LogLevel } from '@slack/bolt';
import Database from 'better-sqlite3';
import { createPeekerApp, type PeekerApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { settleApp } from '../test/helpers/settle-app.js';

interface Request {
  id: number;
  type: string;
  [key: string]: unknown;
}

const mode = process.env.BENCH_CHILD_MODE ?? 'peeker';
const send = (message: unknown) => process.send?.(message);
const gc = (globalThis as { gc?: () => void }).gc;

let peekerApp: PeekerApp | undefined;
let stopServer: () => Promise<void> = async () => undefined;
let database: Database.Database | undefined;
let loopDelay: IntervalHistogram | undefined;

async function startPeeker(): Promise<number> {
  const config = loadConfig(process.env);
  peekerApp = createPeekerApp({ config, logWrite: () => undefined });
  await peekerApp.start();
  const app = peekerApp;
  stopServer = () => app.stop();
  database = app.db;
  return app.port();
}

async function startBolt(): Promise<number> {
  // With BENCH_BOLT_WEBHOOKS=1 the bare app also takes Peeker webhooks on the same server and
  // event loop: `POST /peeker/webhooks` verifies the HMAC and inserts one row (see webhookSink).
  const sink = process.env.BENCH_BOLT_WEBHOOKS === '1' ? webhookSink() : undefined;
  if (sink) database = sink.db;
  const app = new App({
    token: process.env.SLACK_BOT_TOKEN ?? '',
    signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? '' },
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    ...(sink
      ? { customRoutes: [{ path: '/peeker/webhooks', method: ['POST'], handler: sink.handler }] }
      : {}),
  });
  app.command('/peeker', async ({ ack }) => ack('ok'));
  app.view('order_form', async ({ ack }) => ack());
  const server = (await app.start(0)) as Server;
  stopServer = async () => {
    await app.stop();
    sink?.db.close();
  };
  return (server.address() as AddressInfo).port;
}

/**
 * The baseline's webhook route: verifies the HMAC over the raw body (as the app does) and inserts
 * one row into better-sqlite3 with the app's pragmas (WAL, synchronous = NORMAL), then answers 200.
 * Used alone (`plain`) and, with `BENCH_BOLT_WEBHOOKS=1`, as a custom route of the bare Bolt app.
 */
function webhookSink(): {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  db: Database.Database;
} {
  const path = process.env.DATABASE_PATH ?? ':memory:';
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(
    'CREATE TABLE events (event_id TEXT PRIMARY KEY, payload TEXT NOT NULL, received_at INTEGER NOT NULL) STRICT',
  );
  const insert = db.prepare(
    'INSERT INTO events (event_id, payload, received_at) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
  );
  const secret = (process.env.PEEKER_WEBHOOK_SECRET ?? '').split(',')[0] ?? '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const timestamp = String(req.headers['peeker-timestamp'] ?? '');
      const given = /^v1=([0-9a-f]{64})$/.exec(String(req.headers['peeker-signature'] ?? ''))?.[1];
      const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
      if (!given || !timingSafeEqual(Buffer.from(given, 'hex'), expected)) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_signature"}');
        return;
      }
      insert.run(String(req.headers['peeker-event-id'] ?? ''), body.toString('utf8'), Date.now());
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  };
  return { handler, db };
}

async function startPlain(): Promise<number> {
  const sink = webhookSink();
  database = sink.db;
  const server = createServer(sink.handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, resolve));
  stopServer = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    sink.db.close();
  };
  return (server.address() as AddressInfo).port;
}

/** Sizes in bytes of the SQLite file and its WAL and shared-memory files. */
function databaseFiles(): Record<string, number> {
  const path = process.env.DATABASE_PATH ?? '';
  const sizes: Record<string, number> = {};
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      sizes[`db${suffix}`] = statSync(`${path}${suffix}`).size;
    } catch {
      sizes[`db${suffix}`] = 0;
    }
  }
  return sizes;
}

async function settle(timeoutMs: number): Promise<void> {
  const app = peekerApp;
  if (!app) return;
  await settleApp(app, timeoutMs);
}

async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'memory':
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
      gc?.();
      return { ...process.memoryUsage(), gcExposed: gc !== undefined, files: databaseFiles() };
    case 'settle':
      await settle(Number(request.timeoutMs ?? 60_000));
      return null;
    case 'pauseWebhooks':
      // Stops applying stored events (receipt goes on): isolates the cost of receipt alone.
      await peekerApp?.webhooks.stop();
      return null;
    case 'loopDelayStart':
      // Event-loop delay (how late a 1 ms timer fires): what anything arriving now waits behind.
      loopDelay?.disable();
      loopDelay = monitorEventLoopDelay({ resolution: 1 });
      loopDelay.enable();
      return null;
    case 'loopDelayStop': {
      if (!loopDelay) return null;
      loopDelay.disable();
      const h = loopDelay;
      loopDelay = undefined;
      return {
        p50: h.percentile(50) / 1e6,
        p99: h.percentile(99) / 1e6,
        max: h.max / 1e6,
        mean: h.mean / 1e6,
      };
    }
    case 'cpu':
      // CPU time of the whole process (main thread, GC and helper threads), in microseconds.
      return process.cpuUsage();
    case 'sql':
      return database?.prepare(String(request.sql)).all() ?? [];
    case 'stop':
      await stopServer();
      setImmediate(() => process.exit(0));
      return null;
    default:
      throw new Error(`unknown request ${request.type}`);
  }
}

process.on('message', (request: Request) => {
  handle(request).then(
    (result) => send({ id: request.id, result }),
    (error: unknown) =>
      send({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));

const started = performance.now();
const port = await (mode === 'bolt' ? startBolt() : mode === 'plain' ? startPlain() : startPeeker());
send({ type: 'ready', port, readyMs: performance.now() - started });

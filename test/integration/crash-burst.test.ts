/**
 * SIGKILL during a burst of 1,000 signed webhook events (the issue: "after restart every event
 * that got a 2xx is applied exactly once and the Slack messages reach the same final state as an
 * uninterrupted run").
 *
 * Each run places a real order through the modal (signed Slack requests to a child process), then
 * fires a seeded burst of `domain.connected` / `order.*` events — every domain delivered several
 * times, some redeliveries under the same `Peeker-Event-Id`, some under new ids — and kills the
 * child with SIGKILL at a seeded point (once or twice), restarts it on the same SQLite file and
 * redelivers every event (Peeker retries whatever got no 2xx; redelivering everything is the worst
 * case). The final Slack state is compared with an uninterrupted run of the same burst.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ORDER_FORM_CALLBACK, ORDER_REVIEW_CALLBACK } from '../../src/views/ids.js';
import {
  deliverWebhook,
  domainConnectedData,
  FakePeeker,
  makeEvent,
  orderEventData,
  type WebhookEvent,
} from '../fakes/fake-peeker.js';
import { FakeSlack, type SlackMessage } from '../fakes/fake-slack.js';
import { allText, SIGNING_SECRET, testEnv, WEBHOOK_SECRET } from '../helpers/harness.js';
import { formState, viewSubmission } from '../helpers/order-flow.js';

// ---- parameters -------------------------------------------------------------------------------

/** Domains on the order (one `domain.connected` each, delivered several times). */
const DOMAIN_COUNT = 100;
/** Webhook deliveries per burst. */
const BURST_SIZE = 1000;
/** Deliveries in flight at once (Peeker's sender is concurrent, not unbounded). */
const CONCURRENCY = 16;
const OPS = 'COPS';
const BUNDLE_ID = 'bun_burst';
const CUSTOMER_EMAIL = 'alex@acme.com';
const DOMAINS = Array.from({ length: DOMAIN_COUNT }, (_, index) => `burst-${index}-acme.com`);
/** The line each domain's `domain.connected` records in the thread (alone or inside a batch). */
const connectedLine = (domain: string) => `✅ ${domain} is connected (google)`;
const COMPLETION_TEXT = '🎉 Every inbox is live in Smartlead. They can start warming up and sending now.';

// ---- seeded randomness ------------------------------------------------------------------------

/** mulberry32: a tiny seeded PRNG, so every run (burst order, kill points) is reproducible. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const randomInt = (rng: () => number, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

function shuffle<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

// ---- child-process helpers (copied from restart.test.ts, which stays untouched) ---------------

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_MSG = 'peeker for slack is ready';

interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

interface AppProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  logs: LogLine[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Everything the current test started; afterEach kills / stops / removes whatever is left. */
const children = new Set<AppProcess>();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await Promise.all(
    [...children].map(async (app) => {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
      await app.exited;
    }),
  );
  children.clear();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function childEnv(slack: FakeSlack, peeker: FakePeeker, databasePath: string): NodeJS.ProcessEnv {
  const passthrough: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) {
    if (process.env[name] !== undefined) passthrough[name] = process.env[name];
  }
  return {
    ...passthrough,
    ...testEnv({
      slack,
      peeker,
      databasePath,
      env: { PORT: '0', POLL_CRON: '* * * * * *', LOG_LEVEL: 'info' },
    }),
  };
}

async function startApp(env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const app: AppProcess = { child, port: 0, baseUrl: '', logs, stderr, exited };
  children.add(app);
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`app not ready after ${timeoutMs} ms\n${describeOutput(app)}`)),
      timeoutMs,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        parsed = { msg: line };
      }
      logs.push(parsed);
      if (parsed.msg === READY_MSG && typeof parsed.port === 'number') {
        clearTimeout(timer);
        resolve(parsed.port);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`app exited (${code ?? signal}) before it was ready\n${describeOutput(app)}`));
    });
  });
  app.port = await ready;
  app.baseUrl = `http://127.0.0.1:${app.port}`;
  return app;
}

/** `kill -9`, and wait until the process is gone. */
async function kill9(app: AppProcess): Promise<void> {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
  const { signal } = await app.exited;
  children.delete(app);
  expect(signal).toBe('SIGKILL');
}

function describeOutput(app: AppProcess): string {
  const tail = app.logs.slice(-25).map((line) => JSON.stringify(line));
  return [`stdout (last ${tail.length} lines):`, ...tail, 'stderr:', ...app.stderr.slice(-25)].join('\n');
}

async function waitUntil<T>(
  predicate: () => T | Promise<T>,
  description: string,
  options: { timeoutMs?: number; app?: AppProcess; intervalMs?: number } = {},
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        [
          `timed out waiting for: ${description}`,
          ...(lastError ? [`last error: ${String(lastError)}`] : []),
          ...(options.app ? [describeOutput(options.app)] : []),
        ].join('\n'),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

// ---- signed Slack requests to the child --------------------------------------------------------

function signedSlackPost(app: AppProcess, body: string): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return fetch(`${app.baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    body,
  });
}

async function sendCommand(app: AppProcess, slack: FakeSlack, text: string): Promise<number> {
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T000FAKE',
    team_domain: 'fake',
    channel_id: OPS,
    channel_name: 'ops',
    user_id: 'UOPS',
    user_name: 'ops-person',
    command: '/peeker',
    text,
    api_app_id: 'A000FAKE',
    response_url: slack.responseUrl(randomBytes(6).toString('hex')),
    trigger_id: `trig.${randomBytes(8).toString('hex')}`,
  }).toString();
  const response = await signedSlackPost(app, body);
  await response.text();
  return response.status;
}

async function interact(app: AppProcess, payload: Record<string, unknown>): Promise<unknown> {
  const response = await signedSlackPost(
    app,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  );
  expect(response.status).toBe(200);
  const raw = await response.text();
  return raw ? (JSON.parse(raw) as unknown) : undefined;
}

interface Health {
  status: string;
  queues?: { slack_outbox: number; webhook_events_pending: number; commands_pending: number };
}

async function queuesEmpty(app: AppProcess): Promise<boolean> {
  const response = await fetch(`${app.baseUrl}/healthz`);
  const queues = ((await response.json()) as Health).queues;
  return (
    queues !== undefined &&
    queues.slack_outbox === 0 &&
    queues.webhook_events_pending === 0 &&
    queues.commands_pending === 0
  );
}

/**
 * Waits until the app has nothing left to do: every queue empty, twice in a row with no Slack call
 * in between (so no edit or reply is in flight or about to become due).
 */
async function settled(app: AppProcess, slack: FakeSlack, timeoutMs = 30_000): Promise<void> {
  let quietSince: { calls: number; at: number } | undefined;
  await waitUntil(
    async () => {
      if (!(await queuesEmpty(app))) {
        quietSince = undefined;
        return false;
      }
      const calls = slack.calls.length;
      if (!quietSince || quietSince.calls !== calls) {
        quietSince = { calls, at: Date.now() };
        return false;
      }
      return Date.now() - quietSince.at >= 1_200;
    },
    'the app to settle (queues empty, no Slack call for 1.2 s)',
    { timeoutMs, app, intervalMs: 100 },
  );
}

// ---- one run: fakes, a child, an order placed through the modal ---------------------------------

interface Run {
  slack: FakeSlack;
  peeker: FakePeeker;
  databasePath: string;
  env: NodeJS.ProcessEnv;
}

async function newRun(): Promise<Run> {
  const slack = await FakeSlack.start();
  const peeker = await FakePeeker.start();
  const tempDir = mkdtempSync(join(tmpdir(), 'peeker-crash-burst-'));
  cleanups.push(async () => {
    await slack.stop();
    await peeker.stop();
    rmSync(tempDir, { recursive: true, force: true });
  });
  peeker.addBundle({
    id: BUNDLE_ID,
    name: 'Burst',
    required_domains: { google: DOMAIN_COUNT, microsoft: 0, total: DOMAIN_COUNT },
  });
  const databasePath = join(tempDir, 'db.sqlite');
  return { slack, peeker, databasePath, env: childEnv(slack, peeker, databasePath) };
}

/** `/peeker order in #ops` → form → review → "Place order"; resolves with the posted status message. */
async function placeOrder(run: Run, app: AppProcess): Promise<{ orderId: string; parentTs: string }> {
  const { slack, peeker } = run;
  expect(await sendCommand(app, slack, `order in <#${OPS}|ops>`)).toBe(200);
  const formCall = await waitUntil(
    () =>
      slack
        .callsTo('views.update')
        .find((call) => (call.args.view as { callback_id?: string }).callback_id === ORDER_FORM_CALLBACK),
    'the order form',
    { app },
  );
  const formId = String(formCall.args.view_id);
  const form = {
    id: formId,
    hash: slack.views.get(formId)?.hash ?? '',
    private_metadata: (formCall.args.view as { private_metadata: string }).private_metadata,
  };
  const review = (await interact(
    app,
    viewSubmission(ORDER_FORM_CALLBACK, {
      ...form,
      values: formState({
        customerEmail: CUSTOMER_EMAIL,
        bundleId: BUNDLE_ID,
        domainsText: DOMAINS.join('\n'),
        personas: [{ first: 'Alex', last: 'Rivera', picture: 'https://cdn.acme.com/alex.jpg' }],
      }),
    }),
  )) as { response_action?: string; view?: { private_metadata?: string }; errors?: unknown };
  expect(review.errors, JSON.stringify(review.errors)).toBeUndefined();
  expect(review.response_action).toBe('push');
  // Slack pushed the review (a response_action): make the fake know it so views.update works.
  const reviewId = 'VREVIEWBURST';
  slack.views.set(reviewId, { view: { ...(review.view ?? {}), id: reviewId, hash: 'hr' }, hash: 'hr' });
  await interact(
    app,
    viewSubmission(ORDER_REVIEW_CALLBACK, {
      id: reviewId,
      private_metadata: review.view?.private_metadata ?? '',
    }),
  );
  const parent = await waitUntil(
    () => slack.messagesIn(OPS).find((message) => allText(message).includes('Inbox order')),
    'the order status message in the ops channel',
    { app },
  );
  const orderId = [...peeker.orders.keys()][0];
  expect(peeker.orders.size).toBe(1);
  await settled(app, slack);
  return { orderId: orderId!, parentTs: parent.ts };
}

// ---- the burst --------------------------------------------------------------------------------

/**
 * 1,000 deliveries built from the seed: one `domain.connected` per domain, one `order.in_progress`
 * and one `order.completed`, then redeliveries of random ones (half under the same event id, half
 * under a new id for the same change), all shuffled.
 */
function buildBurst(seed: number, orderId: string): WebhookEvent[] {
  const rng = mulberry32(seed * 7919 + 17);
  const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds)).toISOString();
  const originals: WebhookEvent[] = [
    ...DOMAINS.map((domain, index) =>
      makeEvent(
        'domain.connected',
        domainConnectedData({
          id: `dom_burst_${index}`,
          domain,
          order_id: orderId,
          provider: 'google',
          created_at: at(1),
        }),
        { id: `evt_s${seed}_dom_${index}`, createdAt: at(2 + (index % 50)) },
      ),
    ),
    makeEvent('order.in_progress', orderEventData(orderId, 'in_progress'), {
      id: `evt_s${seed}_in_progress`,
      createdAt: at(1),
    }),
    makeEvent('order.completed', orderEventData(orderId, 'completed'), {
      id: `evt_s${seed}_completed`,
      createdAt: at(59),
    }),
  ];
  const events = [...originals];
  let fresh = 0;
  while (events.length < BURST_SIZE) {
    const base = originals[Math.floor(rng() * originals.length)]!;
    events.push(rng() < 0.5 ? base : { ...base, id: `evt_s${seed}_again_${fresh++}` });
  }
  return shuffle(events, rng);
}

interface Delivery {
  /** Event ids that got a 2xx. */
  acked: Set<string>;
  /** Answers that were neither a 2xx nor a dropped connection (must stay empty). */
  refused: { id: string; status: number; body: string }[];
  /** Deliveries that failed at the network level (the child died under them). */
  dropped: number;
  killed: boolean;
}

/**
 * Delivers `events` with `CONCURRENCY` requests in flight. With `killAfter`, the child is killed
 * with SIGKILL `killDelayMs` after the `killAfter`-th 2xx, and no further delivery is started.
 */
async function deliver(
  app: AppProcess,
  events: readonly WebhookEvent[],
  kill?: { afterAcks: number; delayMs: number },
): Promise<Delivery> {
  const result: Delivery = { acked: new Set(), refused: [], dropped: 0, killed: false };
  let acks = 0;
  let killing = false;
  let next = 0;
  const url = `${app.baseUrl}/peeker/webhooks`;
  const worker = async () => {
    while (!result.killed && next < events.length) {
      const event = events[next++]!;
      try {
        const { status, body } = await deliverWebhook(url, event, { secret: WEBHOOK_SECRET });
        if (status >= 200 && status < 300) {
          result.acked.add(event.id);
          acks += 1;
        } else {
          result.refused.push({ id: event.id, status, body });
        }
      } catch {
        result.dropped += 1;
      }
      if (kill && !killing && acks >= kill.afterAcks) {
        killing = true;
        setTimeout(() => {
          result.killed = true;
          app.child.kill('SIGKILL');
        }, kill.delayMs);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (killing) {
    await waitUntil(() => result.killed, 'the scheduled kill');
    await kill9(app);
  }
  return result;
}

// ---- reading the outcome ------------------------------------------------------------------------

function readDb<T>(path: string, use: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

interface EventRow {
  event_id: string;
  status: string;
  attempts: number;
  outcome: string | null;
}

interface ReplyRow {
  id: number;
  dedupe_key: string;
  payload: string;
  state: string;
  ts: string | null;
}

interface FinalState {
  /** Top-level messages the bot has in the ops channel (and anywhere else). */
  topLevel: number;
  otherChannels: string[];
  parentText: string;
  parentBlocks: string;
  /** Every event the thread records (domain lines and the completion), sorted. */
  recorded: string[];
  replyPosts: number;
}

/**
 * The Slack end state, checked for internal consistency: every thread post names the outbox
 * replies it carries in its metadata key; each outbox reply is carried by exactly one post; a
 * batch shows "✅ K domains connected" with K = the replies it carries.
 */
function finalState(run: Run, orderId: string): FinalState {
  const { slack } = run;
  const parents = slack.messagesIn(OPS);
  expect(parents.map((message) => allText(message).includes('Inbox order') || allText(message))).toEqual([
    true,
  ]);
  const parent = parents[0]!;
  const otherChannels = slack
    .allMessages()
    .filter((message) => message.channel !== OPS)
    .map((message) => `${message.channel}: ${message.text}`);

  const rows = readDb(run.databasePath, (db) =>
    db
      .prepare<[], ReplyRow>('SELECT id, dedupe_key, payload, state, ts FROM slack_replies ORDER BY id')
      .all(),
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const carriedBy = new Map<number, string[]>();
  const replies = slack.replies(OPS, parent.ts);
  for (const reply of replies) {
    const key = keyOf(reply);
    expect(key, `metadata of thread post ${reply.ts}: ${reply.text}`).toMatch(/^r\d+(-r\d+)*$/);
    const ids = key.split('-').map((part) => Number(part.slice(1)));
    for (const id of ids) carriedBy.set(id, [...(carriedBy.get(id) ?? []), reply.ts]);
    const payloads = ids.map(
      (id) => JSON.parse(byId.get(id)?.payload ?? '{}') as { line?: string; text: string },
    );
    if (ids.length > 1) {
      // A batch of domain.connected replies: header with the count, then (up to 40 of) its lines.
      expect(reply.text).toMatch(new RegExp(`^✅ ${ids.length} domains connected:\\n`));
      for (const payload of payloads.slice(0, 40)) expect(reply.text).toContain(payload.line);
    } else {
      expect(reply.text).toBe(payloads[0]?.text);
    }
  }
  // Each outbox reply went out in exactly one post (no duplicate, nothing missing).
  const duplicates = [...carriedBy].filter(([, posts]) => posts.length > 1);
  expect(duplicates, 'outbox replies posted more than once').toEqual([]);
  expect([...carriedBy.keys()].sort((a, b) => a - b)).toEqual(rows.map((row) => row.id));

  const recorded = rows
    .map((row) => {
      const payload = JSON.parse(row.payload) as { line?: string; text: string };
      return payload.line ?? payload.text;
    })
    .sort();
  return {
    topLevel: parents.length,
    otherChannels,
    parentText: normalise(parent.text ?? '', orderId),
    parentBlocks: normalise(JSON.stringify(parent.blocks ?? []), orderId),
    recorded,
    replyPosts: replies.length,
  };
}

function keyOf(message: SlackMessage): string {
  const metadata = message.metadata as { event_type?: string; event_payload?: { key?: unknown } } | undefined;
  return metadata?.event_type === 'peeker_message' && typeof metadata.event_payload?.key === 'string'
    ? metadata.event_payload.key
    : '';
}

/** The order id differs between runs (Peeker assigns it); everything else must be identical. */
const normalise = (text: string, orderId: string) => text.split(orderId).join('ord_ID');

// ---- scenarios ----------------------------------------------------------------------------------

interface Outcome {
  state: FinalState;
  events: WebhookEvent[];
  /** Every event id that got a 2xx before a kill (the promise the app made to Peeker). */
  ackedBeforeKill: Set<string>;
  eventRows: Map<string, EventRow>;
  replyRows: ReplyRow[];
  connectedDomains: number;
  kills: { afterAcks: number; delayMs: number; acked: number; dropped: number }[];
  ms: number;
}

/**
 * One burst from `seed`: `kills` SIGKILLs (0 = the uninterrupted reference), each followed by a
 * restart on the same database and a redelivery of every event; then the app settles.
 */
async function runBurst(seed: number, kills: number): Promise<Outcome> {
  const startedAt = Date.now();
  const rng = mulberry32(seed);
  const run = await newRun();
  let app = await startApp(run.env);
  const { orderId, parentTs } = await placeOrder(run, app);
  const events = buildBurst(seed, orderId);
  const ackedBeforeKill = new Set<string>();
  const killLog: Outcome['kills'] = [];

  for (let round = 0; round <= kills; round += 1) {
    const kill =
      round < kills ? { afterAcks: randomInt(rng, 50, 900), delayMs: randomInt(rng, 0, 250) } : undefined;
    const delivery = await deliver(app, events, kill);
    expect(delivery.refused, 'deliveries answered with something else than a 2xx').toEqual([]);
    if (!kill) {
      expect(delivery.acked.size).toBe(new Set(events.map((event) => event.id)).size);
      break;
    }
    expect(delivery.killed).toBe(true);
    for (const id of delivery.acked) ackedBeforeKill.add(id);
    killLog.push({ ...kill, acked: delivery.acked.size, dropped: delivery.dropped });
    // Nothing acknowledged is lost: right after the crash, every 2xx is in the table.
    const stored = readDb(run.databasePath, (db) =>
      db.prepare<[], { event_id: string }>('SELECT event_id FROM webhook_events').all(),
    );
    const storedIds = new Set(stored.map((row) => row.event_id));
    expect(
      [...delivery.acked].filter((id) => !storedIds.has(id)),
      'acknowledged but not stored',
    ).toEqual([]);
    app = await startApp(run.env);
  }

  await waitUntil(
    () => {
      const text = run.slack.message(OPS, parentTs)?.text ?? '';
      return (
        text.includes(`${DOMAIN_COUNT}/${DOMAIN_COUNT} domains connected`) && text.includes('Every inbox')
      );
    },
    'the status message to show the completed order',
    { timeoutMs: 30_000, app },
  );
  await settled(app, run.slack);
  await kill9(app);

  const eventRows = readDb(
    run.databasePath,
    (db) =>
      new Map(
        db
          .prepare<[], EventRow>('SELECT event_id, status, attempts, outcome FROM webhook_events')
          .all()
          .map((row) => [row.event_id, row]),
      ),
  );
  const replyRows = readDb(run.databasePath, (db) =>
    db
      .prepare<[], ReplyRow>('SELECT id, dedupe_key, payload, state, ts FROM slack_replies ORDER BY id')
      .all(),
  );
  const connectedDomains = readDb(
    run.databasePath,
    (db) =>
      db
        .prepare<[string], { n: number }>(
          "SELECT COUNT(*) AS n FROM order_domains WHERE order_id = ? AND state = 'connected'",
        )
        .get(orderId)?.n ?? 0,
  );
  return {
    state: finalState(run, orderId),
    events,
    ackedBeforeKill,
    eventRows,
    replyRows,
    connectedDomains,
    kills: killLog,
    ms: Date.now() - startedAt,
  };
}

/** What every run must end with, crashed or not. */
function expectConsistentOutcome(outcome: Outcome): void {
  const { state, events, eventRows, replyRows } = outcome;
  // Every delivered event id is stored once, applied once (one attempt: never applied twice).
  const ids = [...new Set(events.map((event) => event.id))].sort();
  expect([...eventRows.keys()].sort()).toEqual(ids);
  const notAppliedOnce = [...eventRows.values()].filter(
    (row) => row.status !== 'applied' || row.attempts !== 1,
  );
  expect(notAppliedOnce, 'events not applied exactly once').toEqual([]);
  expect(outcome.connectedDomains).toBe(DOMAIN_COUNT);

  // One status message, nothing anywhere else; N domain lines and one completion in the thread.
  expect(state.topLevel).toBe(1);
  expect(state.otherChannels).toEqual([]);
  expect(state.parentText).toContain(`${DOMAIN_COUNT}/${DOMAIN_COUNT} domains connected`);
  expect(state.parentText).toContain('Every inbox is live in Smartlead');
  expect(state.recorded).toEqual([...DOMAINS.map(connectedLine), COMPLETION_TEXT].sort());
  expect(replyRows).toHaveLength(DOMAIN_COUNT + 1);
  expect(replyRows.filter((row) => row.state !== 'posted' || !row.ts)).toEqual([]);
}

let reference: Promise<Outcome> | undefined;
/** The uninterrupted run (computed once, by the first test that needs it). */
function uninterrupted(): Promise<Outcome> {
  reference ??= runBurst(1, 0);
  return reference;
}

describe('SIGKILL during a burst of 1,000 signed webhook events', { timeout: 90_000 }, () => {
  it('an uninterrupted run applies every event once and ends in the completed status thread', async () => {
    const outcome = await uninterrupted();
    expectConsistentOutcome(outcome);
    console.info(`uninterrupted run: ${outcome.ms} ms, ${outcome.state.replyPosts} thread posts`);
  });

  it.each([
    { seed: 1, kills: 2 },
    { seed: 2, kills: 1 },
    { seed: 3, kills: 2 },
  ])(
    'seed $seed, killed $kills time(s): every 2xx applied exactly once, same Slack end state',
    async ({ seed, kills }) => {
      const expected = (await uninterrupted()).state;
      const outcome = await runBurst(seed, kills);
      console.info(
        `seed ${seed}: ${outcome.ms} ms, kills ${JSON.stringify(outcome.kills)}, ${outcome.state.replyPosts} thread posts`,
      );
      expect(outcome.kills).toHaveLength(kills);
      expect(outcome.ackedBeforeKill.size).toBeGreaterThanOrEqual(50);

      // (a) Every event that got a 2xx before a kill was applied, exactly once.
      for (const id of outcome.ackedBeforeKill) {
        const row = outcome.eventRows.get(id);
        expect(row ? { status: row.status, attempts: row.attempts } : 'missing', `event ${id}`).toEqual({
          status: 'applied',
          attempts: 1,
        });
      }
      expectConsistentOutcome(outcome);

      // (b) The same Slack end state as the uninterrupted run.
      expect(outcome.state.parentText).toBe(expected.parentText);
      expect(outcome.state.parentBlocks).toBe(expected.parentBlocks);
      expect(outcome.state.recorded).toEqual(expected.recorded);
      expect(outcome.state.topLevel).toBe(expected.topLevel);
    },
  );
});

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
 * case). Kill points are either "some 2xx answers into the burst" or "right after Slack accepted a
 * thread reply, before the app heard back" (a proxy in front of the fake Slack withholds the
 * answer): the one moment a crash could post a reply twice. The final Slack state is compared with
 * an uninterrupted run of the burst.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ORDER_FORM_CALLBACK, ORDER_REVIEW_CALLBACK } from '../../src/views/ids.js';
import { FakeSlack, type SlackMessage } from '../fakes/fake-slack.js';
import {
  deliverWebhook,
  domainConnectedData,
  FakePeeker,
  makeEvent,
  orderEventData,
  type WebhookEvent,
} from '../fakes/peeker/index.js';
import {
  type AppProcess,
  ChildApps,
  childEnv,
  interact,
  queuesEmpty,
  readDb,
  sendCommand,
  waitUntil,
} from '../helpers/child-app.js';
import { allText, WEBHOOK_SECRET } from '../helpers/harness.js';
import { formState, viewSubmission } from '../helpers/order-flow.js';
import { type SlackProxy, startSlackProxy } from '../helpers/slack-proxy.js';

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
  // Spread small consecutive seeds apart (their first outputs are alike otherwise).
  let state = Math.imul(seed, 0x9e3779b1) >>> 0;
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

// ---- child processes (see test/helpers/child-app.ts) -------------------------------------------

/** Everything the current test started; afterEach kills / stops / removes whatever is left. */
const apps = new ChildApps();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await apps.killAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Waits until the app has nothing left to do: every queue empty, and no Slack call for 1.2 s (so
 * no spaced edit or reply is in flight or about to become due).
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
  proxy: SlackProxy;
  peeker: FakePeeker;
  databasePath: string;
  env: NodeJS.ProcessEnv;
}

async function newRun(): Promise<Run> {
  const slack = await FakeSlack.start();
  const proxy = await startSlackProxy(slack.url);
  const peeker = await FakePeeker.start();
  const tempDir = mkdtempSync(join(tmpdir(), 'peeker-crash-burst-'));
  cleanups.push(async () => {
    await proxy.stop();
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
  // Slack's Web API is reached through the proxy.
  const env = childEnv(slack, peeker, databasePath, { SLACK_API_URL: proxy.url });
  return { slack, proxy, peeker, databasePath, env };
}

/** `/peeker order in #ops` → form → review → "Place order"; resolves with the posted status message. */
async function placeOrder(run: Run, app: AppProcess): Promise<{ orderId: string; parentTs: string }> {
  const { slack, peeker } = run;
  expect((await sendCommand(app, slack, `order in <#${OPS}|ops>`, { channel: OPS })).status).toBe(200);
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

/**
 * Where a run is killed:
 * - `acks`: `delayMs` after the `afterAcks`-th 2xx of the round (a random point of the burst:
 *   storing, applying, editing or posting, whatever is going on);
 * - `post`: at the `nthPost`-th thread reply Slack accepts in the round, before the app hears back
 *   (the answer is withheld): the post landed, the app has no record of it. Only for a first
 *   round, which is sure to post at least two replies (101 replies, ≤50 per post, the first post
 *   going out as soon as the first event is applied).
 */
type KillSpec = { mode: 'acks'; afterAcks: number; delayMs: number } | { mode: 'post'; nthPost: number };
type KillMode = KillSpec['mode'];

interface Delivery {
  /** Event ids that got a 2xx. */
  acked: Set<string>;
  /** 2xx answers, redeliveries of one id included. */
  acks: number;
  /** Answers that were neither a 2xx nor a dropped connection (must stay empty). */
  refused: { id: string; status: number; body: string }[];
  /** Deliveries that failed at the network level (the child died under them). */
  dropped: number;
  killed: boolean;
  /** `post` kills: the ts of the thread reply Slack accepted and the app never heard about. */
  heldTs?: string;
  ms: number;
}

/**
 * Delivers `events` with `CONCURRENCY` requests in flight; with `kill`, kills the child with
 * SIGKILL as described by it, and starts no delivery after that.
 */
async function deliver(
  run: Run,
  app: AppProcess,
  events: readonly WebhookEvent[],
  kill?: KillSpec,
): Promise<Delivery> {
  const startedAt = Date.now();
  const result: Delivery = { acked: new Set(), acks: 0, refused: [], dropped: 0, killed: false, ms: 0 };
  let armed = false;
  let threadPosts = 0;
  let next = 0;
  const killNow = () => {
    if (result.killed) return;
    result.killed = true;
    app.child.kill('SIGKILL');
  };
  const arm = () => {
    if (!kill || armed) return;
    armed = true;
    if (kill.mode === 'acks') {
      setTimeout(killNow, kill.delayMs);
      return;
    }
    const nthPost = kill.nthPost;
    run.proxy.hold = ({ method, args, answer }) => {
      if (result.killed || method !== 'chat.postMessage' || !args.get('thread_ts')) return false;
      const parsed = JSON.parse(answer) as { ok?: boolean; ts?: string };
      if (!parsed.ok) return false;
      threadPosts += 1;
      if (threadPosts < nthPost) return false;
      result.heldTs = parsed.ts;
      killNow();
      return true;
    };
  };
  if (kill?.mode === 'post') arm();
  const url = `${app.baseUrl}/peeker/webhooks`;
  const worker = async () => {
    while (!result.killed && next < events.length) {
      const event = events[next++]!;
      try {
        const { status, body } = await deliverWebhook(url, event, { secret: WEBHOOK_SECRET });
        if (status >= 200 && status < 300) {
          result.acked.add(event.id);
          result.acks += 1;
        } else {
          result.refused.push({ id: event.id, status, body });
        }
      } catch {
        result.dropped += 1;
      }
      if (kill?.mode === 'acks' && result.acks >= kill.afterAcks) arm();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  result.ms = Date.now() - startedAt;
  if (kill) {
    // The whole burst may have been answered before the kill point: the kill still comes (the
    // app is then applying events and draining the Slack outbox).
    if (kill.mode === 'acks') arm();
    await waitUntil(() => result.killed, `the ${kill.mode} kill`, { timeoutMs: 15_000, app });
    await apps.kill9(app);
    run.proxy.hold = undefined;
  }
  return result;
}

// ---- reading the outcome ------------------------------------------------------------------------

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
  /**
   * Every event the thread records (domain lines and the completion), sorted: the outbox replies,
   * each checked to be carried by exactly one Slack post.
   */
  recorded: string[];
  /** How many outbox replies each thread post carries (batching depends on timing). */
  replyPosts: number[];
}

/**
 * The Slack end state, checked for internal consistency: every thread post names the outbox
 * replies it carries in its metadata key; each outbox reply is carried by exactly one post; a
 * batch shows "✅ K domains connected" with K = the replies it carries.
 */
function finalState(run: Run, orderId: string, rows: readonly ReplyRow[]): FinalState {
  const { slack } = run;
  const parents = slack.messagesIn(OPS);
  expect(
    parents.map((message) => message.text),
    'top-level messages in the ops channel',
  ).toHaveLength(1);
  const parent = parents[0]!;
  expect(parent.text).toContain('Inbox order');
  const otherChannels = slack
    .allMessages()
    .filter((message) => message.channel !== OPS)
    .map((message) => `${message.channel}: ${message.text}`);

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

  // What a person reads: every domain named exactly once, one completion.
  const texts = replies.map((reply) => reply.text ?? '');
  const named = texts.flatMap((text) =>
    [...text.matchAll(/^✅ (\S+) is connected/gm)].map((match) => match[1]),
  );
  expect(
    named.filter((domain, index) => named.indexOf(domain) !== index),
    'domains named twice',
  ).toEqual([]);
  expect(named.length).toBe(DOMAIN_COUNT);
  expect(texts.filter((text) => text.includes('Every inbox is live in Smartlead'))).toHaveLength(1);

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
    replyPosts: replies.map((reply) => keyOf(reply).split('-').length),
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

interface KillRecord {
  mode: KillMode;
  afterAcks?: number;
  delayMs?: number;
  nthPost?: number;
  /** 2xx answers before the kill, and how many distinct event ids they covered. */
  acks: number;
  ackedIds: number;
  dropped: number;
  /** `post` kills: outbox replies carried by the post that landed unrecorded. */
  heldReplies?: number;
  /** Whether the restarted app looked the thread up (conversations.replies with metadata). */
  lookedUp?: boolean;
}

interface Outcome {
  state: FinalState;
  events: WebhookEvent[];
  /** Every event id that got a 2xx before a kill (the promise the app made to Peeker). */
  ackedBeforeKill: Set<string>;
  eventRows: Map<string, EventRow>;
  replyRows: ReplyRow[];
  connectedDomains: number;
  kills: KillRecord[];
  burstMs: number;
  ms: number;
}

function killSpec(mode: KillMode, rng: () => number): KillSpec {
  return mode === 'acks'
    ? { mode, afterAcks: randomInt(rng, 50, 900), delayMs: randomInt(rng, 0, 250) }
    : { mode, nthPost: randomInt(rng, 1, 2) };
}

/**
 * One burst from `seed`, killed as `plan` says (empty = the uninterrupted reference); after each
 * kill the app restarts on the same database and every event is delivered again. Then the app
 * settles and is stopped, and the end state is read from the fake Slack and the SQLite file.
 */
async function runBurst(seed: number, plan: readonly KillMode[]): Promise<Outcome> {
  const startedAt = Date.now();
  const rng = mulberry32(seed);
  const run = await newRun();
  let app = await apps.start(run.env);
  const { orderId, parentTs } = await placeOrder(run, app);
  const events = buildBurst(seed, orderId);
  const ackedBeforeKill = new Set<string>();
  const kills: KillRecord[] = [];
  let burstMs = 0;

  for (let round = 0; round <= plan.length; round += 1) {
    const mode = plan[round];
    if (mode === 'post' && round > 0) throw new Error('a post kill only fits the first round');
    const kill = mode ? killSpec(mode, rng) : undefined;
    const delivery = await deliver(run, app, events, kill);
    burstMs = Math.max(burstMs, delivery.ms);
    expect(delivery.refused, 'deliveries answered with something else than a 2xx').toEqual([]);
    if (!kill) {
      expect(delivery.acked.size).toBe(new Set(events.map((event) => event.id)).size);
      break;
    }
    expect(delivery.killed).toBe(true);
    for (const id of delivery.acked) ackedBeforeKill.add(id);
    const record: KillRecord = {
      mode: kill.mode,
      ...(kill.mode === 'acks'
        ? { afterAcks: kill.afterAcks, delayMs: kill.delayMs }
        : { nthPost: kill.nthPost }),
      acks: delivery.acks,
      ackedIds: delivery.acked.size,
      dropped: delivery.dropped,
    };
    kills.push(record);

    // Nothing acknowledged is lost: right after the crash, every 2xx is in the table.
    const storedIds = new Set(
      readDb(run.databasePath, (db) =>
        db.prepare<[], { event_id: string }>('SELECT event_id FROM webhook_events').all(),
      ).map((row) => row.event_id),
    );
    expect(
      [...delivery.acked].filter((id) => !storedIds.has(id)),
      'acknowledged but not stored',
    ).toEqual([]);

    if (kill.mode === 'post') {
      // The crash hit the window: Slack shows the reply, the outbox still has it as "posting".
      const held = run.slack.message(OPS, delivery.heldTs ?? '');
      expect(held?.thread_ts).toBe(parentTs);
      const ids = keyOf(held!)
        .split('-')
        .map((part) => Number(part.slice(1)));
      const states = readDb(run.databasePath, (db) =>
        ids.map(
          (id) =>
            db.prepare<[number], { state: string }>('SELECT state FROM slack_replies WHERE id = ?').get(id)
              ?.state,
        ),
      );
      expect(states).toEqual(ids.map(() => 'posting'));
      record.heldReplies = ids.length;
    }

    const restartedAt = Date.now();
    app = await apps.start(run.env);
    if (kill.mode === 'post') {
      const lookups = () =>
        run.slack
          .callsTo('conversations.replies')
          .filter((call) => call.at >= restartedAt && call.args.ts === parentTs);
      // The restarted app first looks for the reply it may have posted, instead of posting blindly.
      await waitUntil(() => lookups().length > 0, 'the lookup of the possibly-posted reply', { app });
      record.lookedUp = true;
    }
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
  await apps.kill9(app);

  const { eventRows, replyRows, connectedDomains } = readDb(run.databasePath, (db) => ({
    eventRows: new Map(
      db
        .prepare<[], EventRow>('SELECT event_id, status, attempts, outcome FROM webhook_events')
        .all()
        .map((row) => [row.event_id, row]),
    ),
    replyRows: db
      .prepare<[], ReplyRow>('SELECT id, dedupe_key, payload, state, ts FROM slack_replies ORDER BY id')
      .all(),
    connectedDomains:
      db
        .prepare<[string], { n: number }>(
          "SELECT COUNT(*) AS n FROM order_domains WHERE order_id = ? AND state = 'connected'",
        )
        .get(orderId)?.n ?? 0,
  }));
  return {
    state: finalState(run, orderId, replyRows),
    events,
    ackedBeforeKill,
    eventRows,
    replyRows,
    connectedDomains,
    kills,
    burstMs,
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

/**
 * The uninterrupted run, computed once, by the first test that needs it. Its end state does not
 * depend on the order of the events (only the grouping of replies into posts does), so one
 * reference serves every seed; it runs the burst of seed 1.
 */
let reference: Promise<Outcome> | undefined;
function uninterrupted(): Promise<Outcome> {
  reference ??= runBurst(1, []);
  return reference;
}

describe('SIGKILL during a burst of 1,000 signed webhook events', { timeout: 60_000 }, () => {
  it('an uninterrupted run applies every event once and ends in the completed status thread', async () => {
    const outcome = await uninterrupted();
    console.info(
      `uninterrupted: ${outcome.ms} ms (burst ${outcome.burstMs} ms), thread posts carrying ${JSON.stringify(outcome.state.replyPosts)} replies`,
    );
    expectConsistentOutcome(outcome);
  });

  it.each<{ seed: number; plan: KillMode[] }>([
    { seed: 1, plan: ['acks', 'acks'] },
    { seed: 2, plan: ['post'] },
    { seed: 3, plan: ['post', 'acks'] },
  ])(
    'seed $seed, killed at $plan: every 2xx applied exactly once, same Slack end state',
    async ({ seed, plan }) => {
      const expected = (await uninterrupted()).state;
      const outcome = await runBurst(seed, plan);
      console.info(
        `seed ${seed}: ${outcome.ms} ms, thread posts carrying ${JSON.stringify(outcome.state.replyPosts)} replies, kills ${JSON.stringify(outcome.kills)}`,
      );
      expect(outcome.kills.map((kill) => kill.mode)).toEqual(plan);
      expect(outcome.ackedBeforeKill.size).toBeGreaterThan(0);

      // (a) Every event that got a 2xx before a kill was applied, exactly once.
      const notApplied = [...outcome.ackedBeforeKill].flatMap((id) => {
        const row = outcome.eventRows.get(id);
        return row?.status === 'applied' && row.attempts === 1 ? [] : [{ id, ...row }];
      });
      expect(notApplied, 'acknowledged events not applied exactly once').toEqual([]);
      expectConsistentOutcome(outcome);

      // (b) The same Slack end state as the uninterrupted run.
      expect(outcome.state.topLevel).toBe(expected.topLevel);
      expect(outcome.state.parentText).toBe(expected.parentText);
      expect(outcome.state.parentBlocks).toBe(expected.parentBlocks);
      expect(outcome.state.recorded).toEqual(expected.recorded);
    },
  );
});

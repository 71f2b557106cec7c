/**
 * Benchmark 3 — Slack economy (target: an order whose N domains connect within a few seconds
 * costs a handful of parent edits, not N; no Slack 429 is left unhandled).
 *
 * An order of 200 domains is placed through the modal flow; then its 200 `domain.connected`
 * events arrive evenly spread over 5 s (one every 25 ms). Counted: `chat.update` and
 * `chat.postMessage` calls caused by the burst, and the time from the first event until the
 * parent message shows 200/200. Baseline: the naive cost of one edit and one thread reply per
 * event (400 calls). A second run has Slack answer 429 (Retry-After 1 s) to the first two edits
 * and the first reply post.
 */
import { domainConnectedData, makeEvent } from '../test/fakes/peeker/index.js';
import { allText } from '../test/helpers/harness.js';
import { placeOrderThroughSlack } from '../test/helpers/order-flow.js';
import {
  asHarness,
  type BenchContext,
  type Benchmark,
  InProcessApp,
  ms,
  type ResultRow,
  ratio,
  signedWebhook,
  sleep,
  until,
} from './lib.js';

const DOMAINS = 200;
const SPREAD_MS = 5000;
const CHANNEL = 'CCUST';

interface BurstResult {
  edits: number;
  posts: number;
  rateLimited: number;
  /** First event sent → parent shows N/N. */
  convergedMs: number;
  /** Last event sent → parent shows N/N. */
  afterLastMs: number;
  replies: number;
  recordedReplies: number;
  webhookErrors: number;
}

async function burst(ctx: BenchContext, withRateLimits: boolean): Promise<BurstResult> {
  const h = await InProcessApp.start();
  try {
    h.peeker.addBundle({
      id: 'bun_bench_200',
      name: 'Bench 200',
      required_domains: { google: 150, microsoft: 50, total: DOMAINS },
    });
    const domains = Array.from({ length: DOMAINS }, (_, index) => `economy-${index}-acme.com`);
    await placeOrderThroughSlack(asHarness(h), {
      channel: CHANNEL,
      input: { bundleId: 'bun_bench_200', domainsText: domains.join('\n') },
    });
    let parentTs = '';
    await until(
      () => {
        const parent = h.slack.messagesIn(CHANNEL).find((m) => allText(m).includes('Inbox order'));
        parentTs = parent?.ts ?? '';
        return parent !== undefined;
      },
      15_000,
      'the order status message',
    );
    const orderId = [...h.peeker.orders.keys()].at(-1)!;
    await h.settle();
    await sleep(1100); // let the edit spacing of the order's own first edits pass
    await h.settle();

    const updatesBefore = h.slack.callsTo('chat.update').length;
    const postsBefore = h.slack.callsTo('chat.postMessage').length;
    if (withRateLimits) {
      h.slack.failNext('chat.update', { status: 429, retryAfterSeconds: 1, times: 2 });
      h.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1, times: 1 });
    }
    ctx.log(
      `  ${DOMAINS} domain.connected events over ${SPREAD_MS / 1000} s${withRateLimits ? ', with 429s' : ''}…`,
    );
    const events = domains.map((domain) =>
      signedWebhook(makeEvent('domain.connected', domainConnectedData({ domain, order_id: orderId }))),
    );
    const done = `${DOMAINS}/${DOMAINS} domains connected`;
    const shows = () => allText(h.slack.message(CHANNEL, parentTs)).includes(done);
    let convergedAt = 0;
    const watcher = until(shows, 120_000, done, 2).then(() => {
      convergedAt = performance.now();
    });
    const start = performance.now();
    const interval = SPREAD_MS / DOMAINS;
    const sends: Promise<number>[] = [];
    let lastSentAt = start;
    for (let i = 0; i < events.length; i += 1) {
      const wait = start + i * interval - performance.now();
      if (wait > 1) await sleep(Math.floor(wait));
      lastSentAt = performance.now();
      sends.push(h.client.webhook(events[i]!).then((result) => result.status));
    }
    const statuses = await Promise.all(sends);
    await watcher;
    await h.settle(60_000);
    const updates = h.slack.callsTo('chat.update').slice(updatesBefore);
    const posts = h.slack.callsTo('chat.postMessage').slice(postsBefore);
    const [recorded] = h.app.db
      .prepare("SELECT COUNT(*) AS n FROM slack_replies WHERE state = 'posted'")
      .all() as { n: number }[];
    return {
      edits: updates.length,
      posts: posts.length,
      rateLimited: [...updates, ...posts].filter((call) => call.failed).length,
      convergedMs: convergedAt - start,
      afterLastMs: convergedAt - lastSentAt,
      replies: h.slack.replies(CHANNEL, parentTs).length,
      recordedReplies: recorded?.n ?? 0,
      webhookErrors: statuses.filter((status) => status !== 200).length,
    };
  } finally {
    await h.stop();
  }
}

export const slackEconomy: Benchmark = {
  name: 'slack',
  title: 'Slack economy: 200 domain.connected events within 5 s on one order',
  async run(ctx) {
    const clean = await burst(ctx, false);
    const limited = await burst(ctx, true);
    const naive = DOMAINS * 2;
    const rows: ResultRow[] = [];
    for (const [label, r] of [
      ['no 429s', clean],
      ['with 3 Slack 429s', limited],
    ] as const) {
      rows.push(
        {
          metric: `${label}: chat.update (parent edits)`,
          value: String(r.edits),
          baseline: String(DOMAINS),
          ratio: ratio(r.edits, DOMAINS, 3),
          target: 'a handful, not N',
          pass: r.edits <= 10,
        },
        {
          metric: `${label}: chat.postMessage (thread replies)`,
          value: String(r.posts),
          baseline: String(DOMAINS),
          ratio: ratio(r.posts, DOMAINS, 3),
          target: '',
        },
        {
          metric: `${label}: Slack calls in total`,
          value: String(r.edits + r.posts),
          baseline: String(naive),
          ratio: ratio(r.edits + r.posts, naive, 3),
          target: '',
        },
        {
          metric: `${label}: first event → parent shows 200/200`,
          value: ms(r.convergedMs, 0),
          baseline: `${ms(SPREAD_MS, 0)} (spread)`,
          ratio: ratio(r.convergedMs, SPREAD_MS),
          target: label === 'no 429s' ? '' : 'converges',
          pass: label === 'no 429s' ? undefined : Number.isFinite(r.convergedMs) && r.convergedMs > 0,
        },
      );
    }
    const notes = [
      `Baseline = naive cost of one parent edit + one thread reply per event (${naive} calls for ${DOMAINS} events).`,
      `Parent converged ${ms(clean.afterLastMs, 0)} after the last event (no 429s) and ${ms(limited.afterLastMs, 0)} (with 429s; ${limited.rateLimited} calls answered 429 and were retried).`,
      `Every event recorded once: ${clean.recordedReplies} / ${limited.recordedReplies} reply lines marked posted, in ${clean.replies} / ${limited.replies} thread replies; webhook non-200s: ${clean.webhookErrors} / ${limited.webhookErrors}.`,
    ];
    return { rows, notes };
  },
};

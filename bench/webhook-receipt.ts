/**
 * Benchmark 2 — webhook receipt (target: p99 under 50 ms to the 2xx at 200 events/s sustained;
 * nothing acknowledged is ever lost).
 *
 * Sustained: an open-loop sender fires signed events on a fixed 5 ms schedule (200/s) for 30 s
 * (5 s with BENCH_QUICK=1), whether or not earlier ones were answered, and records the time from
 * each send to its 2xx. Peak: 32 senders in a closed loop, as fast as the server answers. The
 * baseline is a plain `node:http` server that verifies the HMAC and inserts one row into
 * better-sqlite3 with the app's pragmas (bench/child.ts, mode `plain`), measured the same way.
 * Each server runs alone in a child process; this process only generates load.
 *
 * Event mix, for both: 40% `domain_import.completed` for an import the app follows (applied; a
 * no-op after the first), 40% `swap.created` (stored, nothing to apply), 10% redeliveries of an
 * earlier event ID, 10% `domain_import.completed` for an import the app does not know (kept and
 * retried later).
 */

import { FakeSlack } from '../test/fakes/fake-slack.js';
import { FakePeeker, importEventData, makeEvent } from '../test/fakes/peeker/index.js';
import {
  type BenchContext,
  type Benchmark,
  ChildApp,
  type ChildMode,
  ms,
  type ResultRow,
  ratio,
  type SignedWebhook,
  type Summary,
  signedWebhook,
  sleep,
  summarize,
} from './lib.js';

const RATE_PER_SECOND = 200;
const PEAK_CONCURRENCY = 32;

export interface EventSource {
  next(): SignedWebhook;
  /** Distinct event IDs handed out so far. */
  distinct(): number;
}

/** The event mix above (signed now, as Peeker would), shared with the acks-first benchmark. */
export function eventSource(knownImport: object, unknownImport: object): EventSource {
  const sent: SignedWebhook[] = [];
  let index = 0;
  let distinct = 0;
  return {
    next() {
      const slot = index % 10;
      index += 1;
      let signed: SignedWebhook;
      if (slot === 8 && sent.length > 0) {
        // A redelivery: same event ID, re-signed now (as Peeker would).
        const earlier = sent[Math.floor(Math.random() * sent.length)]!;
        const event = JSON.parse(earlier.body) as { id: string };
        signed = signedWebhook(event);
      } else {
        const event =
          slot < 4
            ? makeEvent('domain_import.completed', knownImport)
            : slot === 9
              ? makeEvent('domain_import.completed', unknownImport)
              : makeEvent('swap.created', { id: `swp_${index}`, status: 'created', order_id: 'ord_x' });
        signed = signedWebhook(event);
        distinct += 1;
        if (sent.length < 5000) sent.push(signed);
      }
      return signed;
    },
    distinct: () => distinct,
  };
}

interface PhaseResult {
  summary: Summary;
  errors: number;
  /** Events per second actually answered 2xx. */
  throughput: number;
  /** How late the open-loop sender fired its latest event, worst case (ms). */
  maxSendLag: number;
}

async function sustained(app: ChildApp, source: EventSource, seconds: number): Promise<PhaseResult> {
  const total = RATE_PER_SECOND * seconds;
  const interval = 1000 / RATE_PER_SECOND;
  // Signed ahead of time so signing never delays the schedule (timestamps stay well within 5 min).
  const events = Array.from({ length: total }, () => source.next());
  const samples: number[] = [];
  const inFlight: Promise<void>[] = [];
  let errors = 0;
  let maxSendLag = 0;
  const start = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(Math.floor(wait));
    maxSendLag = Math.max(maxSendLag, performance.now() - due);
    inFlight.push(
      app.client.webhook(events[i]!).then(
        (result) => {
          samples.push(result.ms);
          if (result.status < 200 || result.status > 299) errors += 1;
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  return { summary: summarize(samples), errors, throughput: (total - errors) / elapsed, maxSendLag };
}

async function peak(app: ChildApp, source: EventSource, seconds: number): Promise<PhaseResult> {
  const samples: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: PEAK_CONCURRENCY }, async () => {
      while (performance.now() < end) {
        try {
          const result = await app.client.webhook(source.next());
          samples.push(result.ms);
          if (result.status < 200 || result.status > 299) errors += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return {
    summary: summarize(samples),
    errors,
    throughput: (samples.length - errors) / elapsed,
    maxSendLag: 0,
  };
}

async function runServer(
  ctx: BenchContext,
  mode: ChildMode,
  seconds: { sustained: number; peak: number },
): Promise<{
  sustained: PhaseResult;
  peak: PhaseResult;
  /** Peak with the app's processor paused (receipt alone); the app only. */
  receiptOnly?: PhaseResult;
  stored: number;
  acknowledged: number;
}> {
  const slack = await FakeSlack.start();
  const peeker = await FakePeeker.start();
  const app = await ChildApp.start(mode, { slack, peeker });
  try {
    // An import the app follows, so most events go through the whole apply path.
    const before = peeker.imports.size;
    if (mode === 'peeker') {
      await app.command('import known-acme.com in <#CKNOWN|customer>');
      await app.settle();
    } else peeker.addImport(['known-acme.com']);
    const knownId = [...peeker.imports.keys()][before]!;
    const known = { ...importEventData(peeker.getImport(knownId)!), completed_at: '2030-01-01T00:00:00Z' };
    const unknown = importEventData(peeker.addImport(['nobody-knows-acme.com']));
    const source = eventSource(known, unknown);

    // Warm-up (JIT, SQLite page cache, keep-alive sockets).
    await peak(app, source, 1);
    await app.settle();
    await sleep(200);

    ctx.log(`  ${mode}: ${RATE_PER_SECOND} events/s for ${seconds.sustained} s…`);
    const steady = await sustained(app, source, seconds.sustained);
    await app.settle();
    await sleep(200);
    ctx.log(`  ${mode}: peak, ${PEAK_CONCURRENCY} in flight for ${seconds.peak} s…`);
    const top = await peak(app, source, seconds.peak);
    await app.settle();
    let receiptOnly: PhaseResult | undefined;
    if (mode === 'peeker') {
      ctx.log(`  ${mode}: peak again with applying paused (receipt alone)…`);
      await app.call('pauseWebhooks');
      await sleep(200);
      receiptOnly = await peak(app, source, seconds.peak);
    }
    const table = mode === 'plain' ? 'events' : 'webhook_events';
    const [row] = await app.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
    return {
      sustained: steady,
      peak: top,
      ...(receiptOnly ? { receiptOnly } : {}),
      stored: row?.n ?? 0,
      acknowledged: source.distinct(),
    };
  } finally {
    await app.stop();
    await slack.stop();
    await peeker.stop();
  }
}

export const webhookReceipt: Benchmark = {
  name: 'webhooks',
  title: 'Webhook receipt: time to the 2xx at 200 events/s, and peak throughput, vs plain node:http + SQLite',
  async run(ctx) {
    const seconds = { sustained: ctx.quick ? 5 : 30, peak: ctx.quick ? 2 : 5 };
    const plain = await runServer(ctx, 'plain', seconds);
    const app = await runServer(ctx, 'peeker', seconds);

    const rows: ResultRow[] = [
      {
        metric: `${RATE_PER_SECOND}/s for ${seconds.sustained} s: p50 to 2xx`,
        value: ms(app.sustained.summary.p50),
        baseline: ms(plain.sustained.summary.p50),
        ratio: ratio(app.sustained.summary.p50, plain.sustained.summary.p50),
        target: '',
      },
      {
        metric: `${RATE_PER_SECOND}/s for ${seconds.sustained} s: p99 to 2xx`,
        value: ms(app.sustained.summary.p99),
        baseline: ms(plain.sustained.summary.p99),
        ratio: ratio(app.sustained.summary.p99, plain.sustained.summary.p99),
        target: '< 50 ms',
        pass: app.sustained.summary.p99 < 50 && app.sustained.errors === 0,
      },
      {
        metric: `peak throughput (${PEAK_CONCURRENCY} in flight)`,
        value: `${app.peak.throughput.toFixed(0)} /s`,
        baseline: `${plain.peak.throughput.toFixed(0)} /s`,
        ratio: ratio(app.peak.throughput, plain.peak.throughput),
        target: '',
      },
      {
        metric: 'peak throughput, applying paused (receipt alone)',
        value: `${app.receiptOnly?.throughput.toFixed(0) ?? 'n/a'} /s`,
        baseline: `${plain.peak.throughput.toFixed(0)} /s`,
        ratio: ratio(app.receiptOnly?.throughput ?? Number.NaN, plain.peak.throughput),
        target: '',
      },
      {
        metric: 'peak: p50 / p99 to 2xx',
        value: `${ms(app.peak.summary.p50, 1)} / ${ms(app.peak.summary.p99, 1)}`,
        baseline: `${ms(plain.peak.summary.p50, 1)} / ${ms(plain.peak.summary.p99, 1)}`,
        ratio: ratio(app.peak.summary.p99, plain.peak.summary.p99),
        target: '',
      },
      {
        metric: 'acknowledged events stored (distinct IDs)',
        value: `${app.stored} / ${app.acknowledged}`,
        baseline: `${plain.stored} / ${plain.acknowledged}`,
        ratio: ratio(app.stored, app.acknowledged),
        target: 'none lost',
        pass: app.stored === app.acknowledged && app.sustained.errors + app.peak.errors === 0,
      },
    ];
    const notes = [
      `Sustained max latency: app ${ms(app.sustained.summary.max)}, baseline ${ms(plain.sustained.summary.max)}; sender lag worst case ${ms(Math.max(app.sustained.maxSendLag, plain.sustained.maxSendLag), 1)}; non-2xx or failed requests: app ${app.sustained.errors + app.peak.errors}, baseline ${plain.sustained.errors + plain.peak.errors}.`,
      `Event mix: 40% domain_import.completed for a followed import, 40% swap.created, 10% redeliveries, 10% events for an unknown import. Both servers commit every insert with the app's pragmas (WAL, synchronous=NORMAL); the app also applies the stored events afterwards, one transaction per batch.`,
    ];
    return { rows, notes };
  },
};

/**
 * Benchmark 5 — resident memory over a day's worth of webhook traffic (target: memory stays
 * flat over a day of traffic).
 *
 * The app runs in a child process started with `--expose-gc`; its `process.memoryUsage()` is read
 * over IPC after two full collections. After a warm-up (an import and an order placed through
 * Slack, then 5,000 events), 100,000 signed events (15,000 with BENCH_QUICK=1) go through the real
 * receiver and processor, 16 in flight, and memory is sampled every tenth of the run and after
 * everything was applied. Mix: `domain.connected` and `order.in_progress` for the placed order,
 * `domain_import.*` for the followed import, `swap.*`, unknown event types, 20% redeliveries of
 * earlier event IDs and 1% events for an import the app does not know.
 */

import { FakeSlack } from '../test/fakes/fake-slack.js';
import {
  domainConnectedData,
  FakePeeker,
  importEventData,
  makeEvent,
  orderEventData,
} from '../test/fakes/peeker/index.js';
import { placeOrderThroughSlack } from '../test/helpers/order-flow.js';
import {
  asHarness,
  type Benchmark,
  ChildApp,
  mb,
  pool,
  type ResultRow,
  ratio,
  type SignedWebhook,
  signedWebhook,
  until,
} from './lib.js';

const CONCURRENCY = 16;

function eventMix(orderId: string, orderDomains: string[], known: object, unknown: object) {
  const earlier: { id: string }[] = [];
  let index = 0;
  return (): SignedWebhook => {
    index += 1;
    const slot = index % 20;
    let event: { id: string };
    if (index % 100 === 50) event = makeEvent('domain_import.completed', unknown);
    else if (slot >= 16 && earlier.length > 0) {
      return signedWebhook(earlier[Math.floor(Math.random() * earlier.length)]!);
    } else if (slot < 4) {
      const domain = orderDomains[index % orderDomains.length]!;
      event = makeEvent('domain.connected', domainConnectedData({ domain, order_id: orderId }));
    } else if (slot < 6) event = makeEvent('order.in_progress', orderEventData(orderId, 'in_progress'));
    else if (slot < 9)
      event = makeEvent(slot === 8 ? 'domain_import.action_required' : 'domain_import.completed', known);
    else if (slot < 13)
      event = makeEvent(['swap.created', 'swap.in_progress', 'swap.completed', 'swap.failed'][slot - 9]!, {
        id: `swp_${index}`,
        status: 'created',
      });
    else event = makeEvent(`partner.unknown_${slot}`, { id: `x_${index}` });
    if (earlier.length < 2000) earlier.push(event);
    else earlier[index % 2000] = event;
    return signedWebhook(event);
  };
}

export const memory: Benchmark = {
  name: 'memory',
  title: 'Resident memory before and after 100,000 processed webhook events',
  async run(ctx) {
    const total = ctx.quick ? 15_000 : 100_000;
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    const app = await ChildApp.start('peeker', { slack, peeker });
    try {
      const atStart = await app.memory();
      // Something real to apply events to: an import and an order placed through Slack.
      await app.command('import mem-known-acme.com in <#CMEM|customer>');
      await app.settle();
      const importId = [...peeker.imports.keys()].at(-1)!;
      const known = { ...importEventData(peeker.getImport(importId)!), completed_at: '2030-01-01T00:00:00Z' };
      const unknown = importEventData(peeker.addImport(['mem-nobody-acme.com']));
      const orderDomains = ['mem-a-acme.com', 'mem-b-acme.com'];
      await placeOrderThroughSlack(asHarness(app), {
        channel: 'CMEM',
        input: { domainsText: orderDomains.join(' ') },
      });
      // The order is placed after the review's acknowledgement.
      await until(() => peeker.orders.size > 0, 15_000, 'the order to reach the fake Peeker');
      const orderId = [...peeker.orders.keys()].at(-1)!;
      await app.settle();
      const next = eventMix(orderId, orderDomains, known, unknown);
      let failures = 0;
      const send = async () => {
        const result = await app.client.webhook(next());
        if (result.status !== 200) failures += 1;
      };

      ctx.log(`  warm-up: 5,000 events…`);
      await pool(5000, CONCURRENCY, send);
      await app.settle();
      const before = await app.memory();

      ctx.log(`  ${total.toLocaleString('en')} events, ${CONCURRENCY} in flight…`);
      const samples: { events: number; rss: number; heap: number; external: number }[] = [
        { events: 0, rss: before.rss, heap: before.heapUsed, external: before.external },
      ];
      const step = total / 10;
      const started = performance.now();
      for (let done = 0; done < total; done += step) {
        await pool(step, CONCURRENCY, send);
        const usage = await app.memory();
        samples.push({ events: done + step, rss: usage.rss, heap: usage.heapUsed, external: usage.external });
      }
      const sendSeconds = (performance.now() - started) / 1000;
      await app.settle(120_000);
      const after = await app.memory();
      const [pending] = await app.sql<{ n: number }>(
        "SELECT COUNT(*) AS n FROM webhook_events WHERE status = 'pending'",
      );
      const [stored] = await app.sql<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_events');
      const half = samples[5]!;

      const rows: ResultRow[] = [
        {
          metric: `RSS after ${total.toLocaleString('en')} events`,
          value: mb(after.rss),
          baseline: `${mb(before.rss)} (before)`,
          ratio: ratio(after.rss, before.rss),
          target: 'flat',
        },
        {
          metric: 'RSS growth over the run',
          value: mb(after.rss - before.rss),
          baseline: '0 MB',
          ratio: '',
          target: '',
        },
        {
          metric: 'RSS growth over the second half',
          value: mb(after.rss - half.rss),
          baseline: `${mb(half.rss - before.rss)} (first half)`,
          ratio: '',
          target: '≤ 5% of RSS',
          pass: after.rss - half.rss <= 0.05 * before.rss,
        },
        {
          metric: 'V8 heap used after / before',
          value: mb(after.heapUsed),
          baseline: mb(before.heapUsed),
          ratio: ratio(after.heapUsed, before.heapUsed),
          target: '',
        },
      ];
      const notes = [
        `RSS at start-up (idle, before any traffic): ${mb(atStart.rss)}; garbage collector exposed: ${String((after as { gcExposed?: boolean }).gcExposed)}.`,
        `RSS / V8 heap used / external every ${step.toLocaleString('en')} events: ${samples.map((s) => `${mb(s.rss)}/${mb(s.heap)}/${mb(s.external)}`).join(', ')}.`,
        `SQLite files before → after: ${Object.keys(after.files)
          .map((name) => `${name} ${mb(before.files[name] ?? 0)} → ${mb(after.files[name] ?? 0)}`)
          .join(', ')}.`,
        `Sent in ${sendSeconds.toFixed(1)} s (${(total / sendSeconds).toFixed(0)} events/s, memory sampling included); non-200 answers: ${failures}; rows in webhook_events: ${stored?.n ?? 0}, still pending (unknown import, retried later): ${pending?.n ?? 0}.`,
      ];
      return { rows, notes };
    } finally {
      await app.stop();
      await slack.stop();
      await peeker.stop();
    }
  },
};

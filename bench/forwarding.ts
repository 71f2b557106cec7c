/**
 * Benchmark — forwarding 500 domains (`/peeker forward ord_… to <url>` on an order of
 * 500 connected domains, i.e. 20 jobs of 25).
 *
 * Counted: Peeker calls made by the command (the order's domains are known from their
 * `domain.connected` events, so no listing), Slack edits of the one job message, and the time from
 * the jobs ending to the message showing the final state — once with the 20 job webhooks arriving
 * within 1 s (two of them `partial_success`), once with no webhooks at all, the poll loop finding
 * every job. Baselines: one `POST` per domain (500) for calls; one message edit per job report (20)
 * for edits; Slack's edit spacing of the outbox (1 s) for the time after the last event.
 */
import { forwardingJobEvent, makeEvent } from '../test/fakes/peeker/index.js';
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

const DOMAINS = 500;
const CHANNEL = 'COPS';
const URL = 'https://acme.com/new-home';

interface RunResult {
  posts: number;
  gets: number;
  otherCalls: number;
  commandMs: number;
  editsWhileRunning: number;
  editsAfterJobsEnd: number;
  finalMs: number;
  finalText: string;
  replies: number;
}

async function run(ctx: BenchContext, mode: 'webhooks' | 'polling'): Promise<RunResult> {
  let offset = 0;
  const h = await InProcessApp.start({ now: () => Date.now() + offset });
  try {
    h.peeker.addBundle({
      id: 'bun_bench_500',
      name: 'Bench 500',
      required_domains: { google: DOMAINS, microsoft: 0, total: DOMAINS },
    });
    const domains = Array.from({ length: DOMAINS }, (_, i) => `fwd-${i}-acme.com`);
    await placeOrderThroughSlack(asHarness(h), {
      channel: CHANNEL,
      input: { bundleId: 'bun_bench_500', domainsText: domains.join('\n') },
    });
    await until(() => h.peeker.orders.size === 1, 20_000, 'the order');
    const orderId = [...h.peeker.orders.keys()][0] ?? '';
    ctx.log(`  ${mode}: connecting ${DOMAINS} domains…`);
    for (let i = 0; i < domains.length; i += 50) {
      await Promise.all(
        domains
          .slice(i, i + 50)
          .map((domain) =>
            h.client.webhook(
              signedWebhook(makeEvent('domain.connected', h.peeker.connectDomain(orderId, domain))),
            ),
          ),
      );
    }
    await h.settle(60_000);
    await sleep(1100);
    await h.settle(60_000);

    h.peeker.clearRequests();
    const started = performance.now();
    await h.command(`forward ${orderId} to ${URL}`, { channel: CHANNEL });
    await until(() => h.peeker.forwardingJobs.size === DOMAINS / 25, 60_000, 'the 20 jobs');
    const commandMs = performance.now() - started;
    await h.settle(60_000);
    const message = h.slack.messagesIn(CHANNEL).find((m) => allText(m).includes('orwarding'));
    if (!message) throw new Error('no job message');
    const editsOf = () => h.slack.callsTo('chat.update').filter((call) => call.args.ts === message.ts).length;
    const editsWhileRunning = editsOf();
    const posts = h.peeker.requestsTo('POST', '/domains/forwarding').length;
    const otherCalls = h.peeker.requests.length - posts;

    // Jobs 4 and 14 end in partial_success: one of their domains does not resolve.
    const firstDomainOf = h.peeker
      .requestsTo('POST', '/domains/forwarding')
      .map((request) => (request.body as { domains: string[] }).domains[0] ?? '');
    const jobs = [...h.peeker.forwardingJobs.keys()];
    const finished = jobs.map((id, index) =>
      h.peeker.finishForwardingJob(
        id,
        index % 10 === 3
          ? { failed: [{ domain: firstDomainOf[index] ?? '', reason: 'dns_lookup_failed' }] }
          : {},
      ),
    );
    const done = () => allText(h.slack.message(CHANNEL, message.ts)).includes('Forwarding changed');
    const editsBefore = editsOf();
    h.peeker.clearRequests();
    let endedAt = performance.now();
    let finalAt = 0;
    const watcher = until(done, 60_000, 'the final state', 1).then(() => {
      finalAt = performance.now();
    });
    if (mode === 'webhooks') {
      // The jobs end within one second; each webhook is sent as its job ends.
      const sends: Promise<unknown>[] = [];
      for (const [index, job] of finished.entries()) {
        if (index > 0) await sleep(1000 / finished.length);
        endedAt = performance.now();
        sends.push(h.client.webhook(signedWebhook(forwardingJobEvent(job))));
      }
      await Promise.all(sends);
    } else {
      offset = 10 * 60_000; // every job is due for its poll
      endedAt = performance.now();
      await h.app.pollOnce();
    }
    await watcher;
    const finalMs = finalAt - endedAt;
    await h.settle(60_000);
    const parent = h.slack
      .messagesIn(CHANNEL)
      .find((m) => allText(m).includes(orderId) && allText(m).includes('Inbox order'));
    return {
      posts,
      gets: h.peeker.requestsTo('GET', '/domains/forwarding').length,
      otherCalls,
      commandMs,
      editsWhileRunning,
      editsAfterJobsEnd: editsOf() - editsBefore,
      finalMs,
      finalText: h.slack.message(CHANNEL, message.ts)?.text ?? '',
      replies: parent
        ? h.slack.replies(CHANNEL, parent.ts).filter((r) => allText(r).includes(URL)).length
        : 0,
    };
  } finally {
    await h.stop();
  }
}

export const forwarding: Benchmark = {
  name: 'forwarding',
  title: 'Forwarding 500 domains: 20 jobs, one job message, webhooks or polling',
  async run(ctx) {
    const hooks = await run(ctx, 'webhooks');
    const polled = await run(ctx, 'polling');
    const jobs = DOMAINS / 25;
    const rows: ResultRow[] = [
      {
        metric: 'POST /domains/forwarding for 500 domains',
        value: String(hooks.posts),
        baseline: `${DOMAINS} (one per domain)`,
        ratio: ratio(hooks.posts, DOMAINS, 3),
        target: '20 jobs of ≤25',
        pass: hooks.posts === jobs,
      },
      {
        metric: 'other Peeker calls by the command (listing, lookups)',
        value: String(hooks.otherCalls),
        baseline: '0',
        ratio: '',
        target: '',
      },
      {
        metric: 'command stored → 20 jobs accepted',
        value: ms(hooks.commandMs, 0),
        baseline: '',
        ratio: '',
        target: '',
      },
      {
        metric: 'webhooks: job message edits after the jobs end',
        value: String(hooks.editsAfterJobsEnd),
        baseline: `${jobs} (one per job report)`,
        ratio: ratio(hooks.editsAfterJobsEnd, jobs),
        target: 'a handful',
        pass: hooks.editsAfterJobsEnd <= 5,
      },
      {
        metric: 'webhooks: last job ended → message final',
        value: ms(hooks.finalMs, 0),
        baseline: '1000 ms (edit spacing)',
        ratio: ratio(hooks.finalMs, 1000),
        target: '',
      },
      {
        metric: 'polling: GET /domains/forwarding/{id}',
        value: String(polled.gets),
        baseline: String(jobs),
        ratio: ratio(polled.gets, jobs),
        target: 'one per job',
        pass: polled.gets === jobs,
      },
      {
        metric: 'polling: job message edits after the jobs end',
        value: String(polled.editsAfterJobsEnd),
        baseline: `${jobs} (one per job report)`,
        ratio: ratio(polled.editsAfterJobsEnd, jobs),
        target: 'a handful',
        pass: polled.editsAfterJobsEnd <= 5,
      },
      {
        metric: 'polling: poll tick started → message final',
        value: ms(polled.finalMs, 0),
        baseline: '1000 ms (edit spacing)',
        ratio: ratio(polled.finalMs, 1000),
        target: '',
      },
    ];
    const notes = [
      `Job message edits while the 20 jobs were being accepted: ${hooks.editsWhileRunning} (webhooks run) / ${polled.editsWhileRunning} (polling run).`,
      `Final message: "${hooks.finalText.slice(0, 120)}"; replies in the order's thread: ${hooks.replies} / ${polled.replies} (one per affected order).`,
      'The first poll of a job waits 30 s after Peeker accepted it (webhooks usually come first); the polling run moves the app clock past that, so its time is from the tick to the final message.',
    ];
    return { rows, notes };
  },
};

/**
 * Benchmark — acks first: acknowledgement latency with 4 `/peeker import` commands in flight
 * (a team importing from a workflow), alone and while 200 signed Peeker webhook events per second
 * arrive (target: p99 within 1.2× of a bare Bolt app answering the same load in the same run).
 *
 * Load: 4 concurrent senders, each sending its next signed slash command as soon as the answer
 * (the acknowledgement) to its previous one arrives — a closed loop with exactly 4 in flight, so
 * the app acknowledges far more imports per second than it can finish: the background work of
 * earlier commands piles up behind the acknowledgements and must not get in front of them.
 * Each import is for a new domain into its own channel (posts are spaced per channel).
 *
 * Variants, for both systems, each in its own child process (this process holds the fakes and
 * sends the load):
 * - A: 4 in flight, nothing else;
 * - B: the same while an open-loop sender fires 200 signed webhooks per second (every 5 ms,
 *   whether or not earlier ones were answered), started 1 s before the measurement and stopped
 *   after it, with the event mix of the webhook benchmark (40% `domain_import.completed` for an
 *   import the app follows — applied —, 40% `swap.created`, 10% redeliveries of an earlier event
 *   ID, 10% `domain_import.completed` for an import the app does not know — kept and retried).
 *
 * Baseline: a bare Bolt app (`app.command('/peeker', ({ack}) => ack('ok'))`, bench/child.ts mode
 * `bolt`) answering the same 4-in-flight slash commands; for B it also receives the same 200
 * webhook bodies per second on a Bolt custom route `POST /peeker/webhooks` of the same server
 * (same event loop) that reads the body, verifies the HMAC and inserts one row into SQLite with the
 * app's pragmas (WAL, synchronous=NORMAL) before its 200 — receipt only, nothing applied, no
 * background work. Both apps run side by side and are measured in alternating rounds (bare, then
 * Peeker, 4 rounds of 1,000 commands per variant), so drift and noise over the run weigh on both
 * alike; after each of its rounds the Peeker app is left to finish its backlog (timed), so it is
 * idle whenever the bare app is measured. The Peeker limiter is lifted (as in the `ack`
 * benchmark): thousands of imports a minute would otherwise queue behind the 600/min limit.
 */
import { FakeSlack } from '../test/fakes/fake-slack.js';
import { FakePeeker, importEventData } from '../test/fakes/peeker/index.js';
import {
  type Benchmark,
  ChildApp,
  mb,
  ms,
  pool,
  type ResultRow,
  ratio,
  type Summary,
  slashCommandBody,
  sleep,
  summarize,
} from './lib.js';
import { type EventSource, eventSource } from './webhook-receipt.js';

const IN_FLIGHT = 4;
const WEBHOOKS_PER_SECOND = 200;
/** The webhook stream runs this long before the measured commands start. */
const WEBHOOK_LEAD_MS = 1_000;

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

interface WebhookStreamResult {
  summary: Summary;
  samples: number[];
  /** What the failed requests got (status or error), with how many. */
  failures: Map<string, number>;
  sent: number;
  errors: number;
  /** How late the open-loop sender fired an event, worst case (ms). */
  maxSendLag: number;
}

/** Fires signed webhooks open-loop at `perSecond` until stopped; records the time to each 2xx. */
function webhookStream(app: ChildApp, source: EventSource, perSecond: number) {
  const interval = 1000 / perSecond;
  const samples: number[] = [];
  const inFlight: Promise<void>[] = [];
  let errors = 0;
  const failures = new Map<string, number>();
  const fail = (what: string) => {
    errors += 1;
    failures.set(what, (failures.get(what) ?? 0) + 1);
  };
  let sent = 0;
  let maxSendLag = 0;
  let stopped = false;
  const start = performance.now();
  const loop = (async () => {
    for (let i = 0; !stopped; i += 1) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(Math.floor(wait));
      if (stopped) break;
      maxSendLag = Math.max(maxSendLag, performance.now() - due);
      sent += 1;
      inFlight.push(
        app.client.webhook(source.next()).then(
          (result) => {
            samples.push(result.ms);
            if (result.status < 200 || result.status > 299) fail(`HTTP ${result.status}`);
          },
          (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
        ),
      );
    }
  })();
  return {
    async stop(): Promise<WebhookStreamResult> {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
      return { summary: summarize(samples), samples, sent, errors, failures, maxSendLag };
    },
  };
}

/** `count` slash commands, `IN_FLIGHT` at a time (closed loop); the latency of each. */
async function commandsInFlight(
  app: ChildApp,
  count: number,
  body: (index: number) => string,
): Promise<{ samples: number[]; unexpected: number; seconds: number }> {
  const samples: number[] = [];
  let unexpected = 0;
  const started = performance.now();
  let next = 0;
  await pool(count, IN_FLIGHT, async () => {
    const result = await app.client.slack(body(next++));
    samples.push(result.ms);
    if (result.status !== 200) unexpected += 1;
  });
  return { samples, unexpected, seconds: (performance.now() - started) / 1000 };
}

/** One system under test with what was measured on it, chunk after chunk. */
interface System {
  label: 'bare' | 'app';
  app: ChildApp;
  /** Its webhook event mix (an import it follows, one it does not know). */
  source: EventSource;
  /** The slash command body of the `index`-th command of a variant (`tag`). */
  body: (tag: string) => (index: number) => string;
  variants: Record<'alone' | 'webhooks', Variant>;
}

interface Variant {
  samples: number[];
  webhookSamples: number[];
  unexpected: number;
  webhookErrors: number;
  webhookFailures: Map<string, number>;
  webhooksSent: number;
  maxSendLag: number;
  seconds: number;
  sent: number;
  /** The child's event-loop delay during each measured chunk. */
  loops: LoopDelay[];
  /** CPU time of the child process during the measured chunks (ms). */
  cpuMs: number;
}

const emptyVariant = (): Variant => ({
  samples: [],
  webhookSamples: [],
  unexpected: 0,
  webhookErrors: 0,
  webhookFailures: new Map(),
  webhooksSent: 0,
  maxSendLag: 0,
  seconds: 0,
  sent: 0,
  loops: [],
  cpuMs: 0,
});

/** Measures one chunk of `count` commands on `system` (with the webhook stream for `webhooks`). */
async function chunk(system: System, variant: 'alone' | 'webhooks', count: number): Promise<void> {
  const into = system.variants[variant];
  const stream =
    variant === 'webhooks' ? webhookStream(system.app, system.source, WEBHOOKS_PER_SECOND) : undefined;
  if (stream) await sleep(WEBHOOK_LEAD_MS);
  const cpu = () => system.app.call<{ user: number; system: number }>('cpu');
  await system.app.call('loopDelayStart');
  const cpuBefore = await cpu();
  const tag = `${variant === 'alone' ? 'A' : 'B'}`;
  const offset = into.sent;
  const run = await commandsInFlight(system.app, count, (index) => system.body(tag)(offset + index));
  const cpuAfter = await cpu();
  const loop = await system.app.call<LoopDelay | null>('loopDelayStop');
  if (loop) into.loops.push(loop);
  into.cpuMs += (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1000;
  const streamed = await stream?.stop();
  into.samples.push(...run.samples);
  into.unexpected += run.unexpected;
  into.seconds += run.seconds;
  into.sent += count;
  if (streamed) {
    into.webhookSamples.push(...streamed.samples);
    into.webhookErrors += streamed.errors;
    for (const [what, n] of streamed.failures) {
      into.webhookFailures.set(what, (into.webhookFailures.get(what) ?? 0) + n);
    }
    into.webhooksSent += streamed.sent;
    into.maxSendLag = Math.max(into.maxSendLag, streamed.maxSendLag);
  }
}

type Started = { system: System; stop: () => Promise<void> };

/** The fakes, one system under test in its own process, and what stops them all. */
async function startSystem(
  mode: 'bolt' | 'peeker',
  env: Record<string, string>,
  prepare: (app: ChildApp, peeker: FakePeeker) => Promise<Omit<System, 'app' | 'variants'>>,
): Promise<Started> {
  const slack = await FakeSlack.start();
  const peeker = await FakePeeker.start();
  const app = await ChildApp.start(mode, { slack, peeker, env });
  const system: System = {
    ...(await prepare(app, peeker)),
    app,
    variants: { alone: emptyVariant(), webhooks: emptyVariant() },
  };
  return {
    system,
    stop: async () => {
      await app.stop();
      await slack.stop();
      await peeker.stop();
    },
  };
}

/** Events about an import the system knows (finished, so each applies in full) and one it does not. */
function eventsAbout(peeker: FakePeeker, knownId: string): EventSource {
  const known = { ...importEventData(peeker.getImport(knownId)!), completed_at: '2030-01-01T00:00:00Z' };
  return eventSource(known, importEventData(peeker.addImport(['nobody-knows-acme.com'])));
}

function startBare(): Promise<Started> {
  return startSystem('bolt', { BENCH_BOLT_WEBHOOKS: '1' }, async (app, peeker) => ({
    label: 'bare',
    source: eventsAbout(peeker, peeker.addImport(['known-acme.com']).id),
    body: (tag) => (index) =>
      slashCommandBody(`import bare-${tag}-${index}-acme.com`, app.slack.responseUrl(`bare-${tag}-${index}`)),
  }));
}

function startPeeker(): Promise<Started> {
  return startSystem('peeker', { PEEKER_RATE_LIMIT_PER_MINUTE: '100000' }, async (app, peeker) => {
    // An import the app follows, so most events go through the whole apply path.
    const before = peeker.imports.size;
    await app.command('import known-acme.com in <#CKNOWN|customer>');
    await app.settle();
    return {
      label: 'app',
      source: eventsAbout(peeker, [...peeker.imports.keys()][before]!),
      // A new domain each time, into its own channel (posts are spaced per channel).
      body: (tag) => (index) =>
        slashCommandBody(
          `import acks-${tag.toLowerCase()}-${index}-acme.com in <#C${tag}${String(index).padStart(6, '0')}|customer>`,
          app.slack.responseUrl(`acks-${tag}-${index}`),
        ),
    };
  });
}

export const acksFirst: Benchmark = {
  name: 'acks-first',
  title: `Acks first: /peeker import acknowledgements with ${IN_FLIGHT} in flight, alone and with ${WEBHOOKS_PER_SECOND} webhooks/s, vs a bare Bolt app`,
  async run(ctx) {
    const warmup = ctx.quick ? 300 : 1000;
    const rounds = ctx.quick ? 2 : 4;
    const perRound = ctx.quick ? 200 : 1000;
    const count = rounds * perRound;

    const bareRun = await startBare();
    const appRun = await startPeeker();
    const bare = bareRun.system;
    const app = appRun.system;
    /** After each measured chunk of the app: commands still pending, and the time to finish them. */
    const backlog: { pending: number; settleMs: number }[] = [];
    const settleApp = async () => {
      const [row] = await app.app.sql<{ n: number }>(
        "SELECT COUNT(*) AS n FROM commands WHERE status = 'pending'",
      );
      const started = performance.now();
      await app.app.settle(600_000);
      backlog.push({ pending: row?.n ?? 0, settleMs: performance.now() - started });
    };
    let files: Record<string, number> = {};
    let unanswered = 0;
    let stored = 0;
    let finishedOk = 0;
    try {
      ctx.log(`  warm-up: ${warmup} commands on each, ${IN_FLIGHT} in flight, with webhooks…`);
      // Both code paths (commands and webhooks) warm up alike in both apps (JIT, caches, sockets).
      for (const system of [bare, app]) {
        const stream = webhookStream(system.app, system.source, WEBHOOKS_PER_SECOND);
        await commandsInFlight(system.app, warmup, system.body('W'));
        await stream.stop();
      }
      await app.app.settle(300_000);
      for (const variant of ['alone', 'webhooks'] as const) {
        for (let round = 1; round <= rounds; round += 1) {
          ctx.log(
            `  ${variant === 'alone' ? 'alone' : `with ${WEBHOOKS_PER_SECOND} webhooks/s`}, round ${round}/${rounds}: ${perRound} commands on the bare app, then on the Peeker app…`,
          );
          // The app is settled (nothing left in the background) whenever the bare app is measured.
          await chunk(bare, variant, perRound);
          await sleep(100);
          await chunk(app, variant, perRound);
          await settleApp();
          await sleep(100);
        }
      }
      files = (await app.app.memory()).files;
      const [events] = await app.app.sql<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_events');
      const [finished] = await app.app.sql<{ n: number }>(
        "SELECT COUNT(*) AS n FROM commands WHERE kind = 'import' AND outcome = 'ok'",
      );
      stored = events?.n ?? 0;
      finishedOk = finished?.n ?? 0;
      for (const tag of ['A', 'B']) {
        for (let index = 0; index < count; index += 1) {
          if (app.app.slack.responsesFor(`acks-${tag}-${index}`).length === 0) unanswered += 1;
        }
      }
    } finally {
      await appRun.stop();
      await bareRun.stop();
    }

    const rows: ResultRow[] = [];
    const pair = (variant: 'alone' | 'webhooks', label: string) => {
      const value = summarize(app.variants[variant].samples);
      const baseline = summarize(bare.variants[variant].samples);
      rows.push({
        metric: `${label} p50`,
        value: ms(value.p50),
        baseline: ms(baseline.p50),
        ratio: ratio(value.p50, baseline.p50),
        target: '',
      });
      rows.push({
        metric: `${label} p99`,
        value: ms(value.p99),
        baseline: ms(baseline.p99),
        ratio: ratio(value.p99, baseline.p99),
        target: '≤ 1.2× bare p99',
        pass: value.p99 <= 1.2 * baseline.p99 && app.variants[variant].unexpected === 0,
      });
      return { value, baseline };
    };
    const alone = pair('alone', `/peeker import ack, ${IN_FLIGHT} in flight`);
    const withHooks = pair(
      'webhooks',
      `/peeker import ack, ${IN_FLIGHT} in flight + ${WEBHOOKS_PER_SECOND} webhooks/s`,
    );
    const appHooks = summarize(app.variants.webhooks.webhookSamples);
    const bareHooks = summarize(bare.variants.webhooks.webhookSamples);
    rows.push({
      metric: 'webhook 2xx meanwhile: p50 / p99',
      value: `${ms(appHooks.p50)} / ${ms(appHooks.p99)}`,
      baseline: `${ms(bareHooks.p50)} / ${ms(bareHooks.p99)}`,
      ratio: ratio(appHooks.p99, bareHooks.p99),
      target: '< 50 ms',
      pass: appHooks.p99 < 50 && app.variants.webhooks.webhookErrors === 0,
    });
    const rate = (system: System, variant: 'alone' | 'webhooks') =>
      system.variants[variant].sent / system.variants[variant].seconds;
    rows.push({
      metric: 'acknowledgements per second (alone / with webhooks)',
      value: `${rate(app, 'alone').toFixed(0)} / ${rate(app, 'webhooks').toFixed(0)}`,
      baseline: `${rate(bare, 'alone').toFixed(0)} / ${rate(bare, 'webhooks').toFixed(0)}`,
      ratio: ratio(rate(app, 'alone'), rate(bare, 'alone')),
      target: '',
    });
    const cpuPerAck = (system: System, variant: 'alone' | 'webhooks') =>
      system.variants[variant].cpuMs / system.variants[variant].sent;
    rows.push({
      metric: 'child CPU per acknowledgement (alone / with webhooks)',
      value: `${ms(cpuPerAck(app, 'alone'), 3)} / ${ms(cpuPerAck(app, 'webhooks'), 3)}`,
      baseline: `${ms(cpuPerAck(bare, 'alone'), 3)} / ${ms(cpuPerAck(bare, 'webhooks'), 3)}`,
      ratio: ratio(cpuPerAck(app, 'alone'), cpuPerAck(bare, 'alone')),
      target: '',
    });
    rows.push({
      metric: 'acknowledged imports finished and answered',
      value: `${2 * count - unanswered} / ${2 * count}`,
      baseline: '',
      ratio: '',
      target: 'all',
      pass: unanswered === 0,
    });
    rows.push({
      metric: 'acknowledged webhook events stored (distinct IDs)',
      value: `${stored} / ${app.source.distinct()}`,
      baseline: '',
      ratio: '',
      target: 'none lost',
      pass: stored === app.source.distinct(),
    });

    const loop = (system: System, variant: 'alone' | 'webhooks') => {
      const loops = system.variants[variant].loops;
      if (loops.length === 0) return 'n/a';
      const mean = (pick: (l: LoopDelay) => number) =>
        loops.reduce((sum, l) => sum + pick(l), 0) / loops.length;
      return `p50 ${ms(mean((l) => l.p50))}, p99 ${ms(mean((l) => l.p99))}, max ${ms(Math.max(...loops.map((l) => l.max)), 1)}`;
    };
    const failuresOf = (system: System) => {
      const failures = [...system.variants.webhooks.webhookFailures];
      return failures.length === 0 ? '' : ` (${failures.map(([what, n]) => `${n}× ${what}`).join(', ')})`;
    };
    const pending = backlog.map((b) => b.pending);
    const settleSeconds = backlog.reduce((sum, b) => sum + b.settleMs, 0) / 1000;
    const notes = [
      `${count} measured commands per variant and system, ${IN_FLIGHT} in flight, in ${rounds} rounds of ${perRound} alternating between the bare app and the Peeker app (the Peeker app settled — no background work left — whenever the bare app is measured), after ${warmup} warm-up ones each (with webhooks arriving). Max ack: bare ${ms(alone.baseline.max, 1)} / ${ms(withHooks.baseline.max, 1)}, app ${ms(alone.value.max, 1)} / ${ms(withHooks.value.max, 1)} (alone / with webhooks).`,
      `Background left when each measured chunk of ${perRound} ended (commands still pending): ${Math.min(...pending)}–${Math.max(...pending)}; finishing it all took ${settleSeconds.toFixed(1)} s in total (${((2 * count) / settleSeconds).toFixed(0)} imports/s). Imports answered ok: ${finishedOk}. Database file ${mb(files.db ?? 0)}, WAL file ${mb(files['db-wal'] ?? 0)} at its largest.`,
      `Event-loop delay during the measured commands (mean over chunks of their p50 and p99; max) — app: ${loop(app, 'alone')} alone, ${loop(app, 'webhooks')} with webhooks; bare: ${loop(bare, 'alone')} alone, ${loop(bare, 'webhooks')} with webhooks.`,
      `Webhooks: app ${app.variants.webhooks.webhooksSent} sent, ${app.variants.webhooks.webhookErrors} failed${failuresOf(app)}; bare ${bare.variants.webhooks.webhooksSent} sent, ${bare.variants.webhooks.webhookErrors} failed${failuresOf(bare)}; worst sender lag ${ms(Math.max(app.variants.webhooks.maxSendLag, bare.variants.webhooks.maxSendLag), 1)}.`,
    ];
    return { rows, notes };
  },
};

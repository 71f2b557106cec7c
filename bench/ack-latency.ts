/**
 * Benchmark 1 — acknowledgement latency (target: p99 within 1.2× of a bare Bolt app measured in
 * the same run, and under 3 s even when Peeker takes 10 s to answer).
 *
 * Each system under test runs in its own child process; this process holds the fakes and sends
 * signed requests one at a time (the next when the previous answer is in), after a warm-up.
 * Variants: a bare Bolt app answering a slash command (the baseline) and an `order_form`
 * view_submission; the Peeker app answering `/peeker import <domain> in <#channel>` and a valid
 * order-form submission (which pushes the review), with Peeker answering at once and in 10 s.
 */
import { ORDER_FORM_CALLBACK } from '../src/views/ids.js';
import { FakeSlack } from '../test/fakes/fake-slack.js';
import { FakePeeker } from '../test/fakes/peeker/index.js';
import { formState, latestFormView, viewSubmission } from '../test/helpers/order-flow.js';
import {
  asHarness,
  type BenchContext,
  type Benchmark,
  ChildApp,
  interactionBody,
  ms,
  type ResultRow,
  ratio,
  type Summary,
  slashCommandBody,
  summarize,
  until,
} from './lib.js';

const PEEKER_SLOW_MS = 10_000;

interface Variant {
  label: string;
  summary: Summary;
  /** Answers that were not the expected acknowledgement (e.g. an error instead of the review). */
  unexpected: number;
}

/** Sends `count` requests one after the other (after `warmup` unmeasured ones); returns the latencies. */
async function measure(
  app: ChildApp,
  warmup: number,
  count: number,
  body: (index: number) => string,
  expected: (status: number, text: string) => boolean,
  /** Waits (unmeasured) after each request, e.g. until the app finished the work it started. */
  settle?: (index: number) => Promise<void>,
): Promise<{ samples: number[]; unexpected: number }> {
  const samples: number[] = [];
  let unexpected = 0;
  for (let i = 0; i < warmup + count; i += 1) {
    const payload = body(i);
    const result = await app.client.slack(payload);
    await settle?.(i);
    if (i < warmup) continue;
    samples.push(result.ms);
    if (!expected(result.status, result.body)) unexpected += 1;
  }
  return { samples, unexpected };
}

const channelFor = (tag: string, index: number) => `C${tag}${String(index).padStart(5, '0')}`;

/** `/peeker import <one new domain> in <#its own channel>` (own channel: posts are spaced per channel). */
function importBody(app: ChildApp, tag: string) {
  return (index: number) =>
    slashCommandBody(
      `import bench-${tag.toLowerCase()}-${index}-acme.com in <#${channelFor(tag, index)}|customer>`,
      app.slack.responseUrl(`ack-${tag}-${index}`),
    );
}

const isOk = (status: number) => status === 200;
const isReview = (status: number, text: string) =>
  status === 200 && text.includes('"response_action":"push"');

/** Opens the order form through `/peeker order` and returns a valid submission of it. */
async function validFormSubmission(app: ChildApp): Promise<(index: number) => string> {
  const before = app.slack.callsTo('views.update').length;
  await app.command('order in <#CCUST|customer>');
  await until(() => app.slack.callsTo('views.update').length > before, 15_000, 'the order form');
  const form = latestFormView(asHarness(app));
  const values = formState({
    domainsText: 'alpha-acme.com beta-acme.com',
    personas: [{ first: 'Alex', last: 'Rivera', picture: 'https://cdn.acme.com/alex.jpg' }],
  });
  return () => interactionBody(viewSubmission(ORDER_FORM_CALLBACK, { ...form, values }));
}

async function peekerVariants(
  ctx: BenchContext,
  warmup: number,
  count: number,
  peekerLatencyMs: number,
): Promise<{
  import: Variant;
  importSettled?: Variant;
  form: Variant;
  coldForm?: { ms: number; answer: string };
}> {
  const slack = await FakeSlack.start();
  const peeker = await FakePeeker.start();
  // Hundreds of imports a minute would queue behind the 600/min Peeker limiter; this measures
  // acknowledgements, so the limit is lifted for it (the poll benchmark measures the limiter).
  const app = await ChildApp.start('peeker', {
    slack,
    peeker,
    env: { PEEKER_RATE_LIMIT_PER_MINUTE: '100000' },
  });
  try {
    const tag = peekerLatencyMs > 0 ? 'S' : 'F';
    // Open the form while Peeker is still fast, so the bundle list is cached as in normal use.
    const submission = await validFormSubmission(app);
    peeker.setLatency(peekerLatencyMs);
    ctx.log(`  peeker app, Peeker latency ${peekerLatencyMs} ms: order-form submissions…`);
    const form = await measure(app, warmup, count, submission, isReview);
    ctx.log(`  peeker app, Peeker latency ${peekerLatencyMs} ms: /peeker import…`);
    const imports = await measure(app, warmup, count, importBody(app, tag), isOk);
    let importSettled: Variant | undefined;
    if (peekerLatencyMs === 0) {
      // The same command, but each sent once the app has finished the previous one (its answer
      // reached the requester): the acknowledgement alone, without the background work of the
      // commands before it competing for the event loop (how people actually type commands).
      ctx.log(
        `  peeker app, Peeker latency ${peekerLatencyMs} ms: /peeker import, each after the previous finished…`,
      );
      const settled = await measure(app, warmup, count, importBody(app, 'Q'), isOk, (index) =>
        until(() => app.slack.responsesFor(`ack-Q-${index}`).length > 0, 15_000, 'the import answer'),
      );
      importSettled = {
        label: '/peeker import, previous one finished',
        summary: summarize(settled.samples),
        unexpected: settled.unexpected,
      };
    }
    let coldForm: { ms: number; answer: string } | undefined;
    if (peekerLatencyMs > 0) {
      // A second app whose bundle cache is cold (restarted, or the 10-minute cache expired).
      const cold = await ChildApp.start('peeker', { slack, peeker });
      try {
        const result = await cold.client.slack(submission(0));
        coldForm = {
          ms: result.ms,
          answer: result.body.includes('"response_action":"push"')
            ? 'review pushed'
            : result.body.includes('Could not load the bundles')
              ? '"Could not load the bundles from Peeker just now" (field error)'
              : result.body.slice(0, 80),
        };
      } finally {
        await cold.stop();
      }
    }
    return {
      import: {
        label: '/peeker import',
        summary: summarize(imports.samples),
        unexpected: imports.unexpected,
      },
      form: { label: 'order-form submission', summary: summarize(form.samples), unexpected: form.unexpected },
      ...(importSettled ? { importSettled } : {}),
      ...(coldForm ? { coldForm } : {}),
    };
  } finally {
    peeker.setLatency(0);
    await app.stop();
    await slack.stop();
    await peeker.stop();
  }
}

export const ackLatency: Benchmark = {
  name: 'ack',
  title: 'Acknowledgement latency: /peeker import and order-form submission vs a bare Bolt app',
  async run(ctx) {
    const warmup = ctx.quick ? 50 : 100;
    const count = ctx.quick ? 150 : 500;

    // The baseline is measured in two halves, before and after the Peeker app, so drift over the
    // run (CPU frequency, other load) weighs on both sides alike.
    const bareCommandSamples: number[] = [];
    const bareViewSamples: number[] = [];
    const measureBare = async (half: number) => {
      ctx.log(`  bare Bolt app: ${warmup} warm-up + ${half} slash commands, then as many view submissions…`);
      const bare = await ChildApp.start('bolt');
      try {
        const command = await measure(
          bare,
          warmup,
          half,
          (i) => slashCommandBody(`import bench-${i}-acme.com`, bare.slack.responseUrl(`bare-${i}`)),
          isOk,
        );
        bareCommandSamples.push(...command.samples);
        const view = await measure(
          bare,
          warmup,
          half,
          () => interactionBody(viewSubmission(ORDER_FORM_CALLBACK, { id: 'VBARE', private_metadata: '' })),
          isOk,
        );
        bareViewSamples.push(...view.samples);
      } finally {
        await bare.stop();
      }
    };
    await measureBare(Math.ceil(count / 2));
    const fast = await peekerVariants(ctx, warmup, count, 0);
    const slow = await peekerVariants(ctx, warmup, count, PEEKER_SLOW_MS);
    await measureBare(Math.floor(count / 2));
    const bareCommand: Summary = summarize(bareCommandSamples);
    const bareView: Summary = summarize(bareViewSamples);

    const rows: ResultRow[] = [];
    const row = (label: string, summary: Summary, target: string, pass: boolean | undefined) => {
      rows.push({
        metric: `${label} p50`,
        value: ms(summary.p50),
        baseline: ms(bareCommand.p50),
        ratio: ratio(summary.p50, bareCommand.p50),
        target: '',
      });
      rows.push({
        metric: `${label} p99`,
        value: ms(summary.p99),
        baseline: ms(bareCommand.p99),
        ratio: ratio(summary.p99, bareCommand.p99),
        target,
        pass,
      });
    };
    row('bare Bolt order_form view_submission', bareView, '', undefined);
    for (const variant of [fast.import, ...(fast.importSettled ? [fast.importSettled] : []), fast.form]) {
      row(
        variant.label,
        variant.summary,
        '≤ 1.2× bare p99',
        variant.summary.p99 <= 1.2 * bareCommand.p99 && variant.unexpected === 0,
      );
    }
    rows.push({
      metric: 'order-form submission p99 vs bare view_submission p99',
      value: ms(fast.form.summary.p99),
      baseline: ms(bareView.p99),
      ratio: ratio(fast.form.summary.p99, bareView.p99),
      target: '(like for like)',
    });
    for (const variant of [slow.import, slow.form]) {
      row(
        `${variant.label}, Peeker 10 s`,
        variant.summary,
        '< 3000 ms',
        variant.summary.p99 < 3000 && variant.unexpected === 0,
      );
    }
    const notes = [
      `${count} measured requests per variant after ${warmup} warm-up ones (the bare app: two halves of ${count / 2}, before and after the Peeker app), sent one at a time; baseline = bare Bolt (\`app.command('/peeker', ({ack}) => ack('ok'))\`) slash command: p50 ${ms(bareCommand.p50)}, p99 ${ms(bareCommand.p99)}, max ${ms(bareCommand.max)}.`,
      `Max latencies: import ${ms(fast.import.summary.max)}, form ${ms(fast.form.summary.max)}; with Peeker at 10 s: import ${ms(slow.import.summary.max)}, form ${ms(slow.form.summary.max)}.`,
      `Unexpected answers (anything but the ack / the pushed review): ${[fast.import, fast.form, slow.import, slow.form].map((v) => v.unexpected).join(', ')} (import, form, import@10s, form@10s).`,
    ];
    if (slow.coldForm) {
      notes.push(
        `Order-form submission with a cold bundle cache while Peeker takes 10 s: ${ms(slow.coldForm.ms, 0)} → ${slow.coldForm.answer}.`,
      );
    }
    return { rows, notes };
  },
};

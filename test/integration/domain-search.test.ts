import { afterEach, describe, expect, it } from 'vitest';
import { lookalikeNames } from '../../src/services/lookalike-names.js';
import { ACTION, BLOCK, ORDER_FORM_CALLBACK, PICKS_BLOCK } from '../../src/views/ids.js';
import { allText, Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Sends `/peeker <text>` and waits for the background answer on its response_url. */
async function ask(h: Harness, text: string, channel = 'COPS') {
  const result = await h.command(text, { channel });
  await h.settle();
  const answer = await h.slack.waitFor(() => h.responses(result.responseKey)[0], 10_000, 'the answer');
  return { ack: result.ack, answer, responseKey: result.responseKey };
}

/** The domains of every `POST /domains/availability` Peeker received, call by call. */
function availabilityBatches(h: Harness): string[][] {
  return h.peeker
    .requestsTo('POST', '/domains/availability')
    .map((request) => (request.body as { domains: string[] }).domains);
}

interface PickerBlock {
  block_id: string;
  elements: {
    type: string;
    action_id: string;
    options?: { value: string }[];
    initial_options?: { value: string }[];
    value?: string;
  }[];
}

function picker(answer: { blocks?: unknown[] }): PickerBlock | undefined {
  return (answer.blocks ?? []).find((block) => (block as { block_id?: string }).block_id === PICKS_BLOCK) as
    | PickerBlock
    | undefined;
}

describe('/peeker check', () => {
  it('lists every name: available with prices and providers, taken, premium, invalid, errored, stale', async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.setAvailability('cheap-acme.com', {
      price_cents: 899,
      renewal_price_cents: 1999,
      currency: 'usd',
      usable_for: ['google'],
    });
    h.peeker.setAvailability('taken-acme.com', { reason: 'taken' });
    h.peeker.setAvailability('gold-acme.com', { available: true, premium: true });
    h.peeker.setAvailability('bad-acme.com', { reason: 'invalid' });
    h.peeker.setAvailability('flaky-acme.com', { reason: 'errored' });
    h.peeker.setAvailability('late-acme.com', { reason: 'stale', thenAvailable: true });
    h.peeker.setAvailability('stuck-acme.com', [{ reason: 'stale' }, { reason: 'stale' }]);
    const names = [
      'cheap-acme.com',
      'taken-acme.com',
      'gold-acme.com',
      'bad-acme.com',
      'flaky-acme.com',
      'late-acme.com',
      'stuck-acme.com',
    ];
    const { ack, answer } = await ask(
      h,
      `check <http://cheap-acme.com|cheap-acme.com>, ${names.slice(1).join(' ')} in <#CCUST|acme>`,
    );
    expect(allText(ack)).toContain('Checking 7 domains');

    const text = allText(answer);
    expect(text).toContain('2 of 7 domains available');
    // Available: first-year and renewal price from cents and currency, providers from usable_for.
    expect(text).toContain('`cheap-acme.com` — $8.99 first year, renews $19.99/yr · Google');
    expect(text).toContain('`late-acme.com` — $13.00 first year, renews $15.00/yr · Google + Microsoft');
    expect(text).toMatch(/Taken \(1\): `taken-acme.com`/);
    expect(text).toMatch(/Premium — not orderable through the API \(1\): `gold-acme.com`/);
    expect(text).toMatch(/Invalid[^:]*\(1\): `bad-acme.com`/);
    expect(text).toMatch(/could not check \(1\): `flaky-acme.com`/);
    expect(text).toMatch(/Could not confirm[^:]*\(1\): `stuck-acme.com`/);

    // One call for the 7 names, then one re-check of the two stale ones (after a short wait).
    expect(availabilityBatches(h)).toEqual([names, ['late-acme.com', 'stuck-acme.com']]);

    // The picker offers the available names, all picked, for the named channel.
    const block = picker(answer);
    expect(block?.elements[0]?.options?.map((option) => option.value)).toEqual([
      'cheap-acme.com',
      'late-acme.com',
    ]);
    expect(block?.elements[0]?.initial_options).toHaveLength(2);
    expect(block?.elements[1]?.action_id).toBe(ACTION.orderPicked);
    expect(text).toContain('<#CCUST>');
  });

  it('spends no rate limit on a repeat within 5 minutes (definite answers are cached)', async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.setAvailability('taken-acme.com', { reason: 'taken' });
    await ask(h, 'check acme-one.com taken-acme.com');
    expect(h.peeker.availabilityCallCount()).toBe(1);
    const again = await ask(h, 'check taken-acme.com acme-one.com');
    expect(h.peeker.availabilityCallCount()).toBe(1);
    expect(allText(again.answer)).toContain('1 of 2 domains available');
  });

  it('checks up to 100 names in batches of at most 25, and the answer fits Slack', async () => {
    harness = await Harness.start();
    const h = harness;
    const names = Array.from({ length: 100 }, (_, i) => `bulk-${i}-acme.com`);
    const { answer } = await ask(h, `check ${names.join(' ')}`);
    const batches = availabilityBatches(h);
    expect(batches).toHaveLength(4);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(25);
    expect(batches.flat().sort()).toEqual([...names].sort());
    // The fake Slack refuses what real Slack would (too many blocks, too much text); it answered.
    expect(allText(answer)).toContain('100 of 100 domains available');
    expect(picker(answer)?.elements[0]?.options).toHaveLength(100);
  });

  it('names every bad entry and why, and checks nothing', async () => {
    harness = await Harness.start();
    const h = harness;
    const result = await h.command('check acme-mail.com mail.acme.com localhost 10.0.0.1');
    await h.settle();
    const text = allText(result.ack);
    expect(text).toContain('Nothing was checked');
    expect(text).toContain('mail.acme.com');
    expect(text).toContain('acme.com');
    expect(text).toContain('localhost');
    expect(text).toContain('10.0.0.1');
    expect(h.peeker.availabilityCallCount()).toBe(0);
    expect(h.responses(result.responseKey)).toHaveLength(0);

    const tooMany = await h.command(
      `check ${Array.from({ length: 101 }, (_, i) => `n${i}-acme.com`).join(' ')}`,
    );
    expect(allText(tooMany.ack)).toContain('at most 100');
    const empty = await h.command('check');
    expect(allText(empty.ack)).toMatch(/Name at least one domain/);
    expect(h.peeker.availabilityCallCount()).toBe(0);
  });

  it('answers a Peeker outage (5xx) and rate limiting (429) with the code, the request ID and what to do', async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.failNext({ method: 'POST', path: '/domains/availability' }, { status: 503, times: 4 });
    const down = await ask(h, 'check acme-one.com acme-two.com');
    const downText = allText(down.answer);
    expect(downText).toContain('Peeker could not check these domains');
    expect(downText).toMatch(/request `req_/);
    expect(downText).toMatch(/Try again in a few minutes/);

    h.peeker.failNext(
      { method: 'POST', path: '/domains/availability' },
      { status: 429, details: { retry_after_seconds: 500 } },
    );
    const limited = await ask(h, 'check acme-three.com');
    const limitedText = allText(limited.answer);
    expect(limitedText).toContain('rate_limited');
    expect(limitedText).toContain('retry in 500 s');
    expect(limitedText).toMatch(/request `req_/);
  }, 30_000);
});

describe('/peeker find', () => {
  it('checks the lookalikes (.com first, at most 40) and shows only the available ones, cheapest first', async () => {
    harness = await Harness.start();
    const h = harness;
    const made = lookalikeNames('Acme');
    if ('problem' in made) throw new Error(made.problem);
    // Most names are taken; three are available at different prices.
    for (const name of made.names) h.peeker.setAvailability(name, { reason: 'taken' });
    h.peeker.setAvailability('getacme.com', { price_cents: 2500 });
    h.peeker.setAvailability('acmehq.com', { price_cents: 900 });
    h.peeker.setAvailability('acme.io', { price_cents: 4000, usable_for: ['microsoft'] });
    h.peeker.setAvailability('tryacme.com', { available: true, premium: true });

    const { ack, answer } = await ask(h, 'find Acme in <#CCUST|acme>');
    expect(allText(ack)).toContain(`Checking ${made.names.length} lookalike names`);

    const asked = availabilityBatches(h);
    expect(asked.flat()).toEqual(made.names);
    expect(made.names.length).toBeLessThanOrEqual(40);
    for (const batch of asked) expect(batch.length).toBeLessThanOrEqual(25);
    expect(made.names[0]).toMatch(/\.com$/);

    const text = allText(answer);
    expect(text).toContain('3 of 40 lookalikes of “acme” available');
    const order = ['acmehq.com', 'getacme.com', 'acme.io'].map((name) => text.indexOf(`\`${name}\``));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Taken and premium names are not listed.
    expect(text).not.toContain('`tryacme.com`');
    expect(text).not.toContain('`teamacme.com`');
    expect(picker(answer)?.elements[0]?.options?.map((option) => option.value)).toEqual([
      'acmehq.com',
      'getacme.com',
      'acme.io',
    ]);

    // A second find of the same brand is answered from the cache.
    const calls = h.peeker.availabilityCallCount();
    await ask(h, 'find acme');
    expect(h.peeker.availabilityCallCount()).toBe(calls);
  });

  it('says what is wrong with input it cannot use, and checks nothing', async () => {
    harness = await Harness.start();
    const h = harness;
    const ip = await h.command('find 10.1.2.3');
    expect(allText(ip.ack)).toContain('IP address');
    const symbols = await h.command('find !!!');
    expect(allText(symbols.ack)).toMatch(/no letters or digits/);
    const empty = await h.command('find');
    expect(allText(empty.ack)).toMatch(/brand or a domain/);
    await h.settle();
    expect(h.peeker.availabilityCallCount()).toBe(0);
  });

  it('"Open the order form" opens the form for the channel with the picked names chosen', async () => {
    harness = await Harness.start();
    const h = harness;
    const made = lookalikeNames('acme');
    if ('problem' in made) throw new Error(made.problem);
    for (const name of made.names) h.peeker.setAvailability(name, { reason: 'taken' });
    h.peeker.setAvailability('getacme.com', { price_cents: 1300 });
    h.peeker.setAvailability('acmehq.com', { price_cents: 1200 });
    const { answer } = await ask(h, 'find acme in <#CNEW|new-customer>');
    const block = picker(answer);
    const button = block?.elements[1];
    expect(button?.value).toBeTruthy();

    // The person keeps only getacme.com, then presses the button.
    const before = h.slack.callsTo('views.update').length;
    await h.interact({
      type: 'block_actions',
      team: { id: 'T000FAKE', domain: 'fake' },
      user: { id: 'UOPS', username: 'ops', name: 'ops', team_id: 'T000FAKE' },
      api_app_id: 'A000FAKE',
      token: 'legacy',
      trigger_id: 'trig.picks',
      container: { type: 'message', channel_id: 'COPS', is_ephemeral: true },
      channel: { id: 'COPS', name: 'ops' },
      response_url: h.slack.responseUrl('picks'),
      state: {
        values: {
          [PICKS_BLOCK]: {
            [ACTION.pickDomains]: {
              type: 'multi_static_select',
              selected_options: [{ value: 'getacme.com' }],
            },
          },
        },
      },
      actions: [
        {
          type: 'button',
          action_id: ACTION.orderPicked,
          block_id: PICKS_BLOCK,
          value: button?.value,
          action_ts: '1',
        },
      ],
    });
    const form = await h.slack.waitFor(
      () =>
        h.slack
          .callsTo('views.update')
          .slice(before)
          .map(
            (call) =>
              call.args.view as { callback_id?: string; private_metadata?: string; blocks: unknown[] },
          )
          .find((view) => view.callback_id === ORDER_FORM_CALLBACK),
      5000,
      'the order form',
    );
    expect(JSON.parse(form.private_metadata ?? '{}')).toMatchObject({ channelId: 'CNEW' });
    const select = form.blocks.find(
      (b) => (b as { block_id?: string }).block_id === BLOCK.domainsSelected,
    ) as {
      element: { options: { value: string; text: { text: string } }[]; initial_options: { value: string }[] };
    };
    expect(select.element.options.map((option) => option.value)).toEqual(['acmehq.com', 'getacme.com']);
    expect(select.element.options[0]?.text.text).toContain('$12.00');
    expect(select.element.initial_options.map((option) => option.value)).toEqual(['getacme.com']);
    // The form also takes a file of domains, for lists too long to type.
    expect(JSON.stringify(form.blocks)).toContain(BLOCK.domainsFile);
  });
});

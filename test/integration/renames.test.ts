import { afterEach, describe, expect, it } from 'vitest';
import { personaBlock, SWAP_ACTION } from '../../src/views/ids.js';
import { swapEvent } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';
import { openRenameForm, placeLiveOrder, submitRename, waitForView } from '../helpers/live-domains.js';
import { blockAction } from '../helpers/order-flow.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const PERSONAS = [
  { first: 'Alex', last: 'Rivera', picture: 'https://cdn.acme.com/alex.jpg' },
  { first: 'Sam', last: 'Lee', picture: 'https://cdn.acme.com/sam.jpg' },
];

const repliesOf = (h: Harness, channel: string, ts: string) =>
  h.slack.replies(channel, ts).map((reply) => allText(reply));

describe('/peeker rename, end to end', () => {
  it('pre-fills the personas, refuses no change, renames 3 inboxes completing out of order', async () => {
    harness = await Harness.start();
    const h = harness;
    const order = await placeLiveOrder(h, { domains: ['rn-acme.com', 'rn2-acme.com'], personas: PERSONAS });
    h.peeker.setInboxesPerDomain('rn-acme.com', 3);

    const form = await openRenameForm(h, 'rn-acme.com');
    const formText = JSON.stringify(form.blocks);
    expect(formText).toContain('"initial_value":"Alex"');
    expect(formText).toContain('"initial_value":"Lee"');
    expect(formText).toContain('https://cdn.acme.com/sam.jpg');

    // No change: refused next to the field, nothing sent.
    const unchanged = await submitRename(h, form, PERSONAS);
    expect(unchanged.response_action).toBe('errors');
    expect((unchanged.errors as Record<string, string>)[personaBlock(0, 'first')]).toContain(
      'Nothing changed',
    );
    // The order form's validation: an http picture is refused on its own field.
    const bad = await submitRename(h, form, [
      { first: 'Alex', last: 'Rivera', picture: 'http://x.acme.com/a.jpg' },
      PERSONAS[1]!,
    ]);
    expect((bad.errors as Record<string, string>)[personaBlock(0, 'picture')]).toContain('https://');
    expect(h.peeker.requestsTo('POST', '/swaps/user_names')).toHaveLength(0);

    const renamed = [
      { first: 'Alexandra', last: 'Rivera', picture: 'https://cdn.acme.com/alex.jpg' },
      PERSONAS[1]!,
    ];
    const ack = await submitRename(h, form, renamed);
    expect(ack.response_action).toBe('update');
    await h.peeker.waitFor(() => h.peeker.swaps.size === 3, 5000, 'POST /swaps/user_names');
    await h.settle();
    const posts = h.peeker.requestsTo('POST', '/swaps/user_names');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({
      domain_id: h.peeker.domainId('rn-acme.com'),
      personas: [
        {
          first_name: 'Alexandra',
          last_name: 'Rivera',
          profile_picture_url: 'https://cdn.acme.com/alex.jpg',
        },
        { first_name: 'Sam', last_name: 'Lee', profile_picture_url: 'https://cdn.acme.com/sam.jpg' },
      ],
    });
    expect(repliesOf(h, 'COPS', order.parentTs).join('\n')).toContain('Renaming 3 inboxes on rn-acme.com');

    const [a, b, c] = [...h.peeker.swaps.keys()];
    if (!a || !b || !c) throw new Error('three rows expected');
    const completedA = h.peeker.advanceSwap(a, 'completed');
    const events = [
      swapEvent(h.peeker.advanceSwap(c, 'completed')),
      swapEvent(h.peeker.advanceSwap(b, 'in_progress')),
      swapEvent(completedA),
      swapEvent(completedA), // a repeat, with a new event ID
      swapEvent({ ...h.peeker.getSwap(c)!, status: 'created' }), // late
      swapEvent(h.peeker.advanceSwap(b, 'completed')),
    ];
    for (const event of events) expect((await h.webhook(event)).status).toBe(200);
    await h.settle();
    const progress = repliesOf(h, 'COPS', order.parentTs).filter((text) => /of 3 inboxes renamed/.test(text));
    expect(progress.map((text) => text.match(/(\d) of 3/)?.[1])).toEqual(['1', '2', '3']);
    expect(progress[2]).toContain('all done');

    // The next rename starts from these personas.
    const again = await openRenameForm(h, 'rn-acme.com');
    expect(JSON.stringify(again.blocks)).toContain('"initial_value":"Alexandra"');
  });

  it('a picture Peeker cannot fetch offers the fix: the rename form re-opened pre-filled', async () => {
    harness = await Harness.start();
    const h = harness;
    const order = await placeLiveOrder(h, {
      domains: ['pic-acme.com', 'pic2-acme.com'],
      personas: [PERSONAS[0]!],
    });
    h.peeker.setInboxesPerDomain('pic-acme.com', 2);
    const form = await openRenameForm(h, 'pic-acme.com');
    await submitRename(h, form, [
      { first: 'Alex', last: 'Rivera', picture: 'https://private.acme.com/alex.jpg' },
    ]);
    await h.peeker.waitFor(() => h.peeker.swaps.size === 2, 5000, 'POST /swaps/user_names');
    await h.settle();
    const [first, second] = [...h.peeker.swaps.keys()];
    await h.webhook(swapEvent(h.peeker.advanceSwap(first!, 'action_required')));
    await h.webhook(swapEvent(h.peeker.advanceSwap(second!, 'action_required')));
    await h.settle();
    const stalled = h.slack
      .replies('COPS', order.parentTs)
      .filter((reply) => allText(reply).includes('profile picture is not publicly accessible'));
    // One notice for the rename, not one per inbox.
    expect(stalled).toHaveLength(1);
    expect(allText(stalled[0])).toContain(SWAP_ACTION.fixRename);

    const request = h.app.db.prepare("SELECT id FROM swap_requests WHERE kind = 'rename'").get() as {
      id: number;
    };
    const before = h.slack.callsTo('views.update').length;
    await h.interact(
      blockAction(SWAP_ACTION.fixRename, JSON.stringify({ rename: request.id }), { channel: 'COPS' }),
    );
    const fix = await waitForView(h, 'rename_form', before);
    const text = JSON.stringify(fix.blocks);
    expect(text).toContain('https://private.acme.com/alex.jpg');
    expect(text).toContain('was not publicly accessible');
    // Sending the same picture again is "no change"; a public one goes out as a new rename.
    const same = await submitRename(h, fix, [
      { first: 'Alex', last: 'Rivera', picture: 'https://private.acme.com/alex.jpg' },
    ]);
    expect(same.response_action).toBe('errors');
    await submitRename(h, fix, [{ first: 'Alex', last: 'Rivera', picture: 'https://cdn.acme.com/alex.jpg' }]);
    await h.peeker.waitFor(
      () => h.peeker.requestsTo('POST', '/swaps/user_names').length === 2,
      5000,
      'the second rename',
    );
  });

  it('refuses an unknown domain and a non-root before any call', async () => {
    harness = await Harness.start();
    const h = harness;
    const sub = await h.command('rename mail.acme-mail.com');
    expect(allText(sub.ack)).toContain('acme-mail.com');
    const before = h.slack.callsTo('views.update').length;
    await h.command('rename ghost-acme.com');
    await h.slack.waitFor(
      () =>
        h.slack
          .callsTo('views.update')
          .slice(before)
          .some((c) => JSON.stringify(c.args.view).includes('not a connected domain')),
      5000,
      'the unknown-domain view',
    );
    const byId = h.slack.callsTo('views.update').length;
    await h.command('rename dom_UNKNOWN01');
    await h.slack.waitFor(
      () =>
        h.slack
          .callsTo('views.update')
          .slice(byId)
          .some((c) => JSON.stringify(c.args.view).includes('dom_UNKNOWN01 is not a connected domain')),
      5000,
      'the unknown-ID view',
    );
    expect(h.peeker.requestsTo('POST', '/swaps/user_names')).toHaveLength(0);
  });

  it('accepts the domain by its dom_ ID', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeLiveOrder(h, { domains: ['id-acme.com', 'id2-acme.com'], personas: [PERSONAS[0]!] });
    const before = h.slack.callsTo('views.update').length;
    await h.command(`rename ${h.peeker.domainId('id-acme.com')}`);
    const form = await waitForView(h, 'rename_form', before);
    expect(JSON.stringify(form.blocks)).toContain('id-acme.com');
    expect(JSON.stringify(form.blocks)).toContain('"initial_value":"Alex"');
  });
});

import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger, SecretScrubber } from '../../src/logger.js';
import { createOutboxSender, type OutboxSender } from '../../src/slack/outbox-sender.js';
import type { SubjectTable } from '../../src/slack/outbox-subjects.js';
import { createPostPacing, type PostPacing } from '../../src/slack/post-pacing.js';
import { findPostedKeys, OUTBOX_METADATA_EVENT, outboxMetadata } from '../../src/slack/posted-lookup.js';
import { openDatabase } from '../../src/store/database.js';
import {
  createSlackOutboxRepo,
  type OutboxMessage,
  type SlackOutboxRepo,
} from '../../src/store/slack-outbox-repo.js';
import type { RenderedMessage } from '../../src/views/blocks.js';
import { FakeSlack } from '../fakes/fake-slack.js';

const SPACING = 1000;

let slack: FakeSlack;
beforeAll(async () => {
  slack = await FakeSlack.start();
});
afterAll(async () => {
  await slack.stop();
});

let outbox: SlackOutboxRepo;
let client: WebClient;
let pacing: PostPacing;
let sender: OutboxSender;
let logger: Logger;
let logs: string[];
/** What each subject looks like now, by subject id; missing = nothing to render. */
let texts: Map<string, string>;
let clock: number;

const render = (id: string): RenderedMessage | undefined => {
  const text = texts.get(id);
  return text === undefined
    ? undefined
    : { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
};
/** The far edge of the sender: a tiny subject table (orders batch the group `g`, imports batch nothing). */
const subjects: SubjectTable = {
  import: { render },
  order: { render, combineReplies: { g: (lines) => ({ text: `batch: ${lines.join(' | ')}` }) } },
  action_notice: { render },
  cancellation_notice: { render },
  order_controls: { render },
  forwarding: { render },
  swap_notice: { render },
  digest: { render },
};

beforeEach(() => {
  slack.reset();
  outbox = createSlackOutboxRepo(openDatabase(':memory:'));
  client = new WebClient('xoxb-test', {
    slackApiUrl: slack.url,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  logs = [];
  logger = createLogger({
    level: 'debug',
    scrubber: new SecretScrubber([]),
    write: (line) => logs.push(line),
  });
  texts = new Map();
  clock = Date.now();
  const now = () => clock;
  pacing = createPostPacing({ postSpacingMs: SPACING, now, logger });
  sender = createOutboxSender({ outbox, client, subjects, pacing, logger, now });
});

const order = (id: string) => ({ type: 'order' as const, id });
const fresh = (id: number): OutboxMessage => outbox.message(id)!;

/** A parent of an order subject showing `text`, queued for `channel`. */
function queued(id: string, channel = 'C1', text = `order ${id}`): OutboxMessage {
  texts.set(id, text);
  return outbox.ensureMessage(order(id), channel, clock);
}

async function posted(id: string, channel = 'C1'): Promise<OutboxMessage> {
  const message = queued(id, channel);
  const outcome = await sender.postParent(message, { now: true });
  expect(outcome.status).toBe('posted');
  return fresh(message.id);
}

describe('posting a parent', () => {
  it('posts with the outbox key in the message metadata and records the ts', async () => {
    const message = queued('ord_1', 'C1', 'Inbox order for alex@acme.com');
    const outcome = await sender.postParent(message);

    const calls = slack.callsTo('chat.postMessage');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args).toMatchObject({
      channel: 'C1',
      text: 'Inbox order for alex@acme.com',
      metadata: { event_type: OUTBOX_METADATA_EVENT, event_payload: { key: `m${message.id}` } },
    });
    const [landed] = slack.messagesIn('C1');
    expect(outcome).toEqual({ status: 'posted', ts: landed?.ts });
    expect(fresh(message.id)).toMatchObject({
      state: 'posted',
      ts: landed?.ts,
      sentVersion: message.contentVersion,
      attempts: 0,
      postingSince: null,
    });
  });

  it('a subject with nothing to render fails without calling Slack', async () => {
    const message = outbox.ensureMessage(order('ord_gone'), 'C1', clock);
    const outcome = await sender.postParent(message);
    expect(outcome).toEqual({ status: 'failed', failure: { kind: 'invalid', error: 'nothing_to_render' } });
    expect(slack.calls).toEqual([]);
    expect(fresh(message.id).state).toBe('failed');
  });

  it('a post Slack refuses for good (bot not in the channel) fails and is not retried', async () => {
    slack.setChannel('CPRIV', { isPrivate: true, isMember: false });
    const message = queued('ord_1', 'CPRIV');
    const outcome = await sender.postParent(message);
    expect(outcome).toEqual({ status: 'failed', failure: { kind: 'channel', error: 'not_in_channel' } });
    expect(fresh(message.id)).toMatchObject({ state: 'failed', lastError: 'not_in_channel' });
    expect(outbox.dueMessages(clock + 3600_000, SPACING, 10)).toEqual([]);
  });

  it('a message another caller is posting is left alone', async () => {
    const message = queued('ord_1');
    outbox.claimPost(message.id, clock);
    expect(await sender.postParent(message)).toEqual({ status: 'queued', reason: 'already being posted' });
    expect(slack.calls).toEqual([]);
  });
});

describe('editing a parent', () => {
  it('edits the posted message when its render changed', async () => {
    const message = await posted('ord_1');
    texts.set('ord_1', 'order ord_1 — 1/2 domains connected');
    outbox.markStale(order('ord_1'));
    clock += SPACING;
    await sender.editParent(fresh(message.id));

    const updates = slack.callsTo('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args).toMatchObject({
      channel: 'C1',
      ts: message.ts,
      text: 'order ord_1 — 1/2 domains connected',
    });
    expect(slack.message('C1', message.ts!)?.text).toBe('order ord_1 — 1/2 domains connected');
    const after = fresh(message.id);
    expect(after.sentVersion).toBe(after.contentVersion);
    expect(after.lastEditAt).toBe(clock);
  });

  it('skips the call when the render is unchanged, without spending the edit spacing', async () => {
    const message = await posted('ord_1');
    outbox.markStale(order('ord_1')); // state changed, looks the same
    clock += 5 * SPACING;
    await sender.editParent(fresh(message.id));
    expect(slack.callsTo('chat.update')).toEqual([]);
    const after = fresh(message.id);
    expect(after.sentVersion).toBe(after.contentVersion);
    expect(after.lastEditAt).toBe(message.lastEditAt);
    expect(outbox.dueMessages(clock, SPACING, 10)).toEqual([]);
  });

  it('reposts a parent someone deleted (message_not_found)', async () => {
    const message = await posted('ord_1');
    slack.deleteMessage('C1', message.ts!);
    texts.set('ord_1', 'order ord_1 v2');
    outbox.markStale(order('ord_1'));
    clock += SPACING;
    await sender.editParent(fresh(message.id));
    expect(fresh(message.id)).toMatchObject({ state: 'to_post', ts: null });

    const outcome = await sender.postParent(fresh(message.id), { now: true });
    expect(outcome.status).toBe('posted');
    const now = slack.messagesIn('C1');
    expect(now.map((m) => m.text)).toEqual(['order ord_1 v2']);
    expect(fresh(message.id).ts).toBe(now[0]?.ts);
  });

  it('a transient edit failure is retried later and counted', async () => {
    const message = await posted('ord_1');
    texts.set('ord_1', 'v2');
    outbox.markStale(order('ord_1'));
    slack.failNext('chat.update', { error: 'internal_error' });
    await sender.editParent(fresh(message.id));
    const after = fresh(message.id);
    expect(after).toMatchObject({ attempts: 1, lastError: 'internal_error' });
    expect(after.nextAttemptAt).toBeGreaterThan(clock);
    expect(after.sentVersion).toBeLessThan(after.contentVersion);
  });
});

describe('rate limits (429)', () => {
  it('pause the method for Retry-After and hold every other post of it meanwhile', async () => {
    const first = await posted('ord_0');
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 7 });
    const limited = queued('ord_1', 'C3');
    expect(await sender.postParent(limited)).toEqual({ status: 'queued', reason: 'ratelimited' });
    expect(fresh(limited.id)).toMatchObject({
      state: 'to_post',
      nextAttemptAt: clock + 7000,
      postingSince: null,
    });
    expect(pacing.pausedUntil('chat.postMessage')).toBe(clock + 7000);

    // Another post waits without calling Slack; the attempt is counted.
    const callsBefore = slack.calls.length;
    const other = queued('ord_2', 'C2');
    expect(await sender.postParent(other)).toEqual({ status: 'queued', reason: 'ratelimited' });
    expect(slack.calls.length).toBe(callsBefore);
    expect(fresh(other.id)).toMatchObject({
      nextAttemptAt: clock + 7000,
      attempts: 1,
      lastError: 'ratelimited',
    });

    // Edits use another method: not paused.
    texts.set('ord_0', 'edited');
    outbox.markStale(order('ord_0'));
    await sender.editParent(fresh(first.id));
    expect(slack.callsTo('chat.update')).toHaveLength(1);

    clock += 7000;
    expect(pacing.pausedUntil('chat.postMessage')).toBeUndefined();
    expect((await sender.postParent(fresh(limited.id))).status).toBe('posted');
  });

  it('a 429 on an edit delays that edit by Retry-After', async () => {
    const message = await posted('ord_1');
    texts.set('ord_1', 'v2');
    outbox.markStale(order('ord_1'));
    slack.failNext('chat.update', { status: 429, retryAfterSeconds: 3 });
    await sender.editParent(fresh(message.id));
    expect(fresh(message.id)).toMatchObject({ nextAttemptAt: clock + 3000, lastError: 'ratelimited' });
    expect(pacing.pausedUntil('chat.update')).toBe(clock + 3000);
  });
});

describe('a post that may have landed', () => {
  it('is looked up by its metadata key on the next attempt instead of being posted twice', async () => {
    const message = queued('ord_1');
    slack.failNext('chat.postMessage', { status: 500 });
    expect(await sender.postParent(message)).toEqual({ status: 'queued', reason: 'http_500' });
    const requeued = fresh(message.id);
    expect(requeued).toMatchObject({ state: 'to_post', lastError: 'http_500', postingSince: clock });
    expect(requeued.nextAttemptAt).toBeGreaterThan(clock);

    // Slack had stored it after all (the answer was lost on the way back).
    const landed = await client.chat.postMessage({
      channel: 'C1',
      text: 'order ord_1',
      metadata: outboxMetadata(`m${message.id}`),
    });
    slack.clearCalls();

    clock = requeued.nextAttemptAt;
    const outcome = await sender.postParent(fresh(message.id));
    expect(outcome).toEqual({ status: 'posted', ts: landed.ts });
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    expect(slack.messagesIn('C1')).toHaveLength(1);

    // Its content is not known to be current: an edit brings it up to date.
    texts.set('ord_1', 'order ord_1 — latest');
    clock += SPACING;
    const due = outbox.dueMessages(clock, SPACING, 10);
    expect(due.map((m) => m.id)).toEqual([message.id]);
    await sender.editParent(due[0]!);
    expect(slack.messagesIn('C1').map((m) => m.text)).toEqual(['order ord_1 — latest']);
  });

  it('is posted again when the lookup does not find it', async () => {
    const message = queued('ord_1');
    slack.failNext('chat.postMessage', { status: 502 });
    await sender.postParent(message);
    clock = fresh(message.id).nextAttemptAt;
    expect((await sender.postParent(fresh(message.id))).status).toBe('posted');
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
    expect(slack.messagesIn('C1')).toHaveLength(1);
  });

  it('a failure Slack reports before acting is retried without a lookup', async () => {
    const message = queued('ord_1');
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    await sender.postParent(message);
    expect(fresh(message.id)).toMatchObject({ postingSince: null, lastError: 'internal_error', attempts: 1 });
    clock = fresh(message.id).nextAttemptAt;
    expect((await sender.postParent(fresh(message.id))).status).toBe('posted');
    expect(slack.callsTo('conversations.history')).toEqual([]);
  });

  it('findPostedKeys maps every part of a batched key to its message and tolerates missing history access', async () => {
    const since = Date.now();
    const parent = await client.chat.postMessage({
      channel: 'C1',
      text: 'p',
      metadata: outboxMetadata('m9'),
    });
    await client.chat.postMessage({
      channel: 'C1',
      thread_ts: parent.ts!,
      text: 'batch',
      metadata: outboxMetadata('r4-r5-r6'),
    });
    await client.chat.postMessage({ channel: 'C1', text: 'not ours' });
    const top = await findPostedKeys(client, logger, { channel: 'C1', sinceMs: since });
    expect([...top.entries()]).toEqual([['m9', parent.ts]]);
    const thread = await findPostedKeys(client, logger, {
      channel: 'C1',
      sinceMs: since,
      threadTs: parent.ts!,
    });
    const replyTs = slack.replies('C1', parent.ts!)[0]?.ts;
    expect(thread.get('r4')).toBe(replyTs);
    expect(thread.get('r5')).toBe(replyTs);
    expect(thread.get('r6')).toBe(replyTs);

    slack.setChannel('CNOREAD', { isMember: false });
    expect((await findPostedKeys(client, logger, { channel: 'CNOREAD', sinceMs: since })).size).toBe(0);
    expect(logs.some((line) => line.includes('could not check whether a post already landed'))).toBe(true);
  });
});

describe('thread replies', () => {
  it('a burst of one group waiting in a thread goes out as one combined reply with an r1-r2-… key', async () => {
    const parent = await posted('ord_1');
    outbox.queueReply(order('ord_1'), 'k1', { text: 'a is connected', group: 'g', line: 'a' }, clock);
    outbox.queueReply(order('ord_1'), 'k2', { text: 'b is connected', group: 'g', line: 'b' }, clock);
    outbox.queueReply(order('ord_1'), 'k3', { text: 'c is connected', group: 'g', line: 'c' }, clock);
    outbox.queueReply(order('ord_1'), 'k4', { text: 'something else' }, clock);
    const ids = outbox.repliesOf(parent.id).map((r) => r.id);
    slack.clearCalls();
    clock += SPACING;

    const [due] = outbox.dueReplies(clock, 10);
    await sender.postReply(due!);
    const calls = slack.callsTo('chat.postMessage');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args).toMatchObject({
      channel: 'C1',
      thread_ts: parent.ts,
      text: 'batch: a | b | c',
      metadata: {
        event_payload: {
          key: ids
            .slice(0, 3)
            .map((id) => `r${id}`)
            .join('-'),
        },
      },
    });
    const replies = outbox.repliesOf(parent.id);
    const batchTs = slack.replies('C1', parent.ts!)[0]?.ts;
    expect(replies.slice(0, 3).map((r) => [r.state, r.ts])).toEqual([
      ['posted', batchTs],
      ['posted', batchTs],
      ['posted', batchTs],
    ]);
    expect(replies[3]?.state).toBe('to_post');

    // The next reply is spaced after the post into the same channel, then goes out on its own.
    const [next] = outbox.dueReplies(clock, 10);
    await sender.postReply(next!);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    clock += SPACING;
    await sender.postReply(outbox.dueReplies(clock, 10)[0]!);
    expect(slack.replies('C1', parent.ts!).map((m) => m.text)).toEqual([
      'batch: a | b | c',
      'something else',
    ]);
  });

  it('a lone reply of a group, or a subject without a combiner, is posted as itself', async () => {
    const parent = await posted('ord_1');
    outbox.queueReply(order('ord_1'), 'k1', { text: 'only one', group: 'g', line: 'x' }, clock);
    clock += SPACING;
    await sender.postReply(outbox.dueReplies(clock, 10)[0]!);
    expect(slack.replies('C1', parent.ts!).map((m) => m.text)).toEqual(['only one']);

    texts.set('imp_1', 'import');
    const imp = outbox.ensureMessage({ type: 'import', id: 'imp_1' }, 'C2', clock);
    await sender.postParent(imp, { now: true });
    outbox.queueReply({ type: 'import', id: 'imp_1' }, 'i1', { text: 'one', group: 'g', line: '1' }, clock);
    outbox.queueReply({ type: 'import', id: 'imp_1' }, 'i2', { text: 'two', group: 'g', line: '2' }, clock);
    clock += SPACING;
    await sender.postReply(outbox.dueReplies(clock, 10).find((r) => r.dedupeKey === 'i1')!);
    expect(slack.replies('C2', fresh(imp.id).ts!).map((m) => m.text)).toEqual(['one']);
  });

  it('a batch that may have landed is found in the thread instead of being posted again', async () => {
    const parent = await posted('ord_1');
    outbox.queueReply(order('ord_1'), 'k1', { text: 'a', group: 'g', line: 'a' }, clock);
    outbox.queueReply(order('ord_1'), 'k2', { text: 'b', group: 'g', line: 'b' }, clock);
    const [r1, r2] = outbox.repliesOf(parent.id);
    // A previous process claimed both, posted them as one reply and died before recording it.
    outbox.claimReply(r1!.id, clock);
    outbox.claimReply(r2!.id, clock);
    const landed = await client.chat.postMessage({
      channel: 'C1',
      thread_ts: parent.ts!,
      text: 'batch: a | b',
      metadata: outboxMetadata(`r${r1!.id}-r${r2!.id}`),
    });
    outbox.recoverInFlight();
    slack.clearCalls();
    clock += SPACING;

    await sender.postReply(outbox.dueReplies(clock, 10)[0]!);
    expect(slack.callsTo('conversations.replies')).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    expect(outbox.repliesOf(parent.id).map((r) => [r.state, r.ts])).toEqual([
      ['posted', landed.ts],
      ['posted', landed.ts],
    ]);
  });

  it('a reply into a deleted thread reposts the parent and waits for the new thread', async () => {
    const parent = await posted('ord_1');
    outbox.queueReply(order('ord_1'), 'k1', { text: 'late news' }, clock);
    slack.deleteMessage('C1', parent.ts!);
    clock += SPACING;
    await sender.postReply(outbox.dueReplies(clock, 10)[0]!);
    expect(fresh(parent.id)).toMatchObject({ state: 'to_post', ts: null });
    expect(outbox.repliesOf(parent.id)[0]?.state).toBe('to_post');

    await sender.postParent(fresh(parent.id), { now: true });
    clock += SPACING;
    await sender.postReply(outbox.dueReplies(clock, 10)[0]!);
    const newTs = fresh(parent.id).ts!;
    expect(slack.replies('C1', newTs).map((m) => m.text)).toEqual(['late news']);
  });

  it('a reply Slack refuses for good is dropped and the thread moves on', async () => {
    const parent = await posted('ord_1');
    outbox.queueReply(order('ord_1'), 'k1', { text: 'bad' }, clock);
    outbox.queueReply(order('ord_1'), 'k2', { text: 'good' }, clock);
    slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    clock += SPACING;
    await sender.postReply(outbox.dueReplies(clock, 10)[0]!);
    expect(outbox.repliesOf(parent.id).map((r) => r.state)).toEqual(['failed', 'to_post']);
    await sender.postReply(outbox.dueReplies(clock, 10)[0]!);
    expect(slack.replies('C1', parent.ts!).map((m) => m.text)).toEqual(['good']);
  });
});

describe('per-channel spacing', () => {
  it('holds a second post into the same channel for the spacing, without counting an attempt', async () => {
    const first = await posted('ord_1', 'C1');
    const postedAt = clock;
    const second = queued('ord_2', 'C1');
    expect(await sender.postParent(second)).toEqual({ status: 'queued', reason: 'spacing' });
    expect(fresh(second.id)).toMatchObject({
      nextAttemptAt: postedAt + SPACING,
      attempts: 0,
      lastError: null,
    });
    expect(slack.messagesIn('C1').map((m) => m.ts)).toEqual([first.ts]);

    // Another channel is not held.
    expect((await sender.postParent(queued('ord_3', 'C2'))).status).toBe('posted');
    // postNow (`{ now: true }`) does not wait for the spacing.
    expect((await sender.postParent(fresh(second.id), { now: true })).status).toBe('posted');
    expect(slack.messagesIn('C1')).toHaveLength(2);
  });

  it('post-pacing frees the channel once the spacing has passed', () => {
    expect(pacing.reserve('CX')).toBe(true);
    expect(pacing.reserve('CX')).toBe(false);
    expect(pacing.spacedUntil('CX')).toBe(clock + SPACING);
    clock += SPACING;
    expect(pacing.spacedUntil('CX')).toBeUndefined();
    expect(pacing.spacedUntil('CY')).toBeUndefined();
  });

  it('post-pacing keeps the longest rate-limit pause and waits 1 s when Slack did not say', () => {
    expect(
      pacing.noteRateLimit('chat.update', { kind: 'rate_limited', error: 'ratelimited', retryAfterMs: 9000 }),
    ).toBe(clock + 9000);
    pacing.noteRateLimit('chat.update', { kind: 'rate_limited', error: 'ratelimited', retryAfterMs: 2000 });
    expect(pacing.pausedUntil('chat.update')).toBe(clock + 9000);
    expect(pacing.noteRateLimit('x', { kind: 'transient', error: 'http_500', maybeDelivered: true })).toBe(
      clock + 1000,
    );
  });
});

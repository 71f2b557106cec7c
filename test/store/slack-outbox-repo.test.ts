import { beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/store/database.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const SPACING = 1000;
const imp = (id: string) => ({ type: 'import' as const, id });
const ord = (id: string) => ({ type: 'order' as const, id });

let db: Db;
let outbox: SlackOutboxRepo;
let wakeups: number;
beforeEach(() => {
  db = openDatabase(':memory:');
  outbox = createSlackOutboxRepo(db);
  wakeups = 0;
  outbox.onQueued(() => {
    wakeups += 1;
  });
});

/** A parent that Slack has (state posted, version 1 sent). */
function postedParent(subject = ord('ord_1'), channel = 'C1', at = T0) {
  const message = outbox.ensureMessage(subject, channel, at);
  expect(outbox.claimPost(message.id, at)).toBe(true);
  outbox.markPosted(message.id, `${at / 1000}.000100`, message.contentVersion, 'hash-1', at);
  return outbox.message(message.id)!;
}

describe('parent messages', () => {
  it('ensureMessage queues a parent once per subject and wakes the publisher only for a new one', () => {
    const first = outbox.ensureMessage(imp('imp_1'), 'CCUST', T0);
    expect(first).toMatchObject({ subject: imp('imp_1'), channelId: 'CCUST', state: 'to_post', ts: null });
    expect(first.contentVersion).toBeGreaterThan(first.sentVersion);
    expect(wakeups).toBe(1);

    const again = outbox.ensureMessage(imp('imp_1'), 'COTHER', T0 + 1);
    expect(again.id).toBe(first.id);
    expect(again.channelId).toBe('CCUST'); // the first channel stands
    expect(wakeups).toBe(1);

    // Same id, other subject type: another message.
    expect(outbox.ensureMessage(ord('imp_1'), 'CCUST', T0).id).not.toBe(first.id);
    expect(outbox.messageFor(imp('imp_1'))?.id).toBe(first.id);
    expect(outbox.messageFor(imp('imp_unknown'))).toBeUndefined();
    expect(outbox.message(987654)).toBeUndefined();
  });

  it('markStale bumps the content version and notifies; an unknown subject does neither', () => {
    const message = outbox.ensureMessage(ord('ord_1'), 'C1', T0);
    const before = wakeups;
    outbox.markStale(ord('ord_1'));
    outbox.markStale(ord('ord_1'));
    expect(outbox.message(message.id)?.contentVersion).toBe(message.contentVersion + 2);
    expect(wakeups).toBe(before + 2);
    outbox.markStale(ord('ord_nope'));
    expect(wakeups).toBe(before + 2);
  });

  it('claimPost is exclusive and counts the attempt', () => {
    const message = outbox.ensureMessage(ord('ord_1'), 'C1', T0);
    expect(outbox.claimPost(message.id, T0 + 5)).toBe(true);
    expect(outbox.claimPost(message.id, T0 + 6)).toBe(false);
    const claimed = outbox.message(message.id)!;
    expect(claimed).toMatchObject({ state: 'posting', attempts: 1, postingSince: T0 + 5 });
    expect(outbox.dueMessages(T0 + 10_000, SPACING, 10)).toEqual([]); // not offered while being posted
  });

  it('requeuePost with maybePosted keeps the first posting mark; without it the mark is cleared', () => {
    const message = outbox.ensureMessage(ord('ord_1'), 'C1', T0);
    outbox.claimPost(message.id, T0 + 1);
    outbox.requeuePost(message.id, T0 + 2000, 'request_timeout', true);
    expect(outbox.message(message.id)).toMatchObject({
      state: 'to_post',
      postingSince: T0 + 1,
      lastError: 'request_timeout',
      nextAttemptAt: T0 + 2000,
    });
    expect(outbox.dueMessages(T0 + 1999, SPACING, 10)).toEqual([]);
    expect(outbox.dueMessages(T0 + 2000, SPACING, 10).map((m) => m.id)).toEqual([message.id]);

    outbox.claimPost(message.id, T0 + 3000);
    expect(outbox.message(message.id)).toMatchObject({ postingSince: T0 + 1, attempts: 2 });
    outbox.requeuePost(message.id, T0 + 4000, 'ratelimited', false);
    expect(outbox.message(message.id)?.postingSince).toBeNull();
  });

  it('markPosted records the ts and the sent version and clears the error state', () => {
    const message = outbox.ensureMessage(ord('ord_1'), 'C1', T0);
    outbox.claimPost(message.id, T0);
    outbox.requeuePost(message.id, T0, 'http_500', true);
    outbox.claimPost(message.id, T0 + 1);
    outbox.markPosted(message.id, '1.000001', message.contentVersion, 'h', T0 + 2);
    expect(outbox.message(message.id)).toMatchObject({
      state: 'posted',
      ts: '1.000001',
      sentVersion: message.contentVersion,
      contentHash: 'h',
      lastEditAt: T0 + 2,
      attempts: 0,
      lastError: null,
      postingSince: null,
    });
    expect(outbox.dueMessages(T0 + 60_000, SPACING, 10)).toEqual([]); // nothing left to send
    expect(outbox.queueDepth()).toBe(0);
  });

  it('a stale posted parent is due for an edit only once the edit spacing has passed', () => {
    const parent = postedParent(ord('ord_1'), 'C1', T0);
    expect(outbox.dueMessages(T0 + 5000, SPACING, 10)).toEqual([]);
    outbox.markStale(ord('ord_1'));
    expect(outbox.dueMessages(T0 + SPACING - 1, SPACING, 10)).toEqual([]);
    const due = outbox.dueMessages(T0 + SPACING, SPACING, 10);
    expect(due.map((m) => m.id)).toEqual([parent.id]);
    expect(due[0]?.contentVersion).toBeGreaterThan(due[0]?.sentVersion ?? 0);

    outbox.markEdited(parent.id, due[0]!.contentVersion, 'hash-2', T0 + SPACING);
    expect(outbox.dueMessages(T0 + 10 * SPACING, SPACING, 10)).toEqual([]);
  });

  it('markEdited never lowers the sent version (an edit of an older render finishing late)', () => {
    const parent = postedParent();
    outbox.markStale(ord('ord_1'));
    outbox.markStale(ord('ord_1'));
    const latest = outbox.message(parent.id)!.contentVersion;
    outbox.markEdited(parent.id, latest, 'new', T0 + 10);
    outbox.markEdited(parent.id, latest - 1, 'old', T0 + 20);
    expect(outbox.message(parent.id)?.sentVersion).toBe(latest);
  });

  it('dueMessages orders by due time and respects the limit', () => {
    const a = outbox.ensureMessage(ord('a'), 'C1', T0);
    const b = outbox.ensureMessage(ord('b'), 'C1', T0);
    const c = outbox.ensureMessage(ord('c'), 'C1', T0);
    outbox.spaceMessageUntil(a.id, T0 + 300);
    outbox.spaceMessageUntil(b.id, T0 + 100);
    outbox.spaceMessageUntil(c.id, T0 + 200);
    expect(outbox.dueMessages(T0 + 1000, SPACING, 10).map((m) => m.id)).toEqual([b.id, c.id, a.id]);
    expect(outbox.dueMessages(T0 + 1000, SPACING, 2).map((m) => m.id)).toEqual([b.id, c.id]);
    expect(outbox.dueMessages(T0 + 150, SPACING, 10).map((m) => m.id)).toEqual([b.id]);
  });

  it('retryMessageAt counts an attempt with its reason; spaceMessageUntil only delays', () => {
    const message = outbox.ensureMessage(ord('ord_1'), 'C1', T0);
    outbox.spaceMessageUntil(message.id, T0 + 1000);
    expect(outbox.message(message.id)).toMatchObject({
      attempts: 0,
      lastError: null,
      nextAttemptAt: T0 + 1000,
    });
    outbox.retryMessageAt(message.id, T0 + 5000, 'ratelimited');
    expect(outbox.message(message.id)).toMatchObject({
      attempts: 1,
      lastError: 'ratelimited',
      nextAttemptAt: T0 + 5000,
    });
    outbox.spaceMessageUntil(message.id, T0 + 6000);
    expect(outbox.message(message.id)).toMatchObject({ attempts: 1, lastError: 'ratelimited' });
  });

  it('markFailed stops the parent for good', () => {
    const message = outbox.ensureMessage(ord('ord_1'), 'C1', T0);
    outbox.claimPost(message.id, T0);
    outbox.markFailed(message.id, 'not_in_channel');
    expect(outbox.message(message.id)).toMatchObject({
      state: 'failed',
      lastError: 'not_in_channel',
      postingSince: null,
    });
    expect(outbox.dueMessages(T0 + 3600_000, SPACING, 10)).toEqual([]);
    expect(outbox.claimPost(message.id, T0)).toBe(false);
    expect(outbox.queueDepth()).toBe(0);
    expect(outbox.nextDueAt(SPACING)).toBeUndefined();
  });

  it('repost queues a deleted parent again, keeping its replies, and notifies', () => {
    const parent = postedParent();
    outbox.queueReply(ord('ord_1'), 'k1', { text: 'one' }, T0);
    const before = wakeups;
    outbox.repost(parent.id);
    expect(outbox.message(parent.id)).toMatchObject({
      state: 'to_post',
      ts: null,
      sentVersion: 0,
      contentHash: null,
    });
    expect(outbox.repliesOf(parent.id).map((r) => r.dedupeKey)).toEqual(['k1']);
    expect(wakeups).toBe(before + 1);
    expect(outbox.dueMessages(T0, SPACING, 10).map((m) => m.id)).toEqual([parent.id]);
    expect(outbox.dueReplies(T0, 10)).toEqual([]); // the reply waits for the new thread
  });

  it('moveTo posts a failed parent into another channel from scratch', () => {
    const message = outbox.ensureMessage(imp('imp_1'), 'CPRIVATE', T0);
    outbox.claimPost(message.id, T0);
    outbox.markFailed(message.id, 'not_in_channel');
    outbox.moveTo(message.id, 'CPUBLIC');
    expect(outbox.message(message.id)).toMatchObject({
      channelId: 'CPUBLIC',
      state: 'to_post',
      attempts: 0,
      lastError: null,
      ts: null,
    });
    expect(outbox.dueMessages(T0, SPACING, 10).map((m) => m.id)).toEqual([message.id]);
  });
});

describe('thread replies', () => {
  it('queueReply needs a parent and dedupes by key', () => {
    expect(outbox.queueReply(ord('ord_1'), 'k1', { text: 'no parent yet' }, T0)).toBe(false);
    expect(wakeups).toBe(0);
    const parent = outbox.ensureMessage(ord('ord_1'), 'C1', T0);
    const before = wakeups;
    expect(
      outbox.queueReply(ord('ord_1'), 'k1', { text: 'first', broadcast: true, group: 'g', line: 'l' }, T0),
    ).toBe(true);
    expect(outbox.queueReply(ord('ord_1'), 'k1', { text: 'repeat' }, T0)).toBe(false);
    expect(wakeups).toBe(before + 1);
    // The key is global: the same event recorded for another subject is still a repeat.
    outbox.ensureMessage(ord('ord_2'), 'C1', T0);
    expect(outbox.queueReply(ord('ord_2'), 'k1', { text: 'elsewhere' }, T0)).toBe(false);

    const replies = outbox.repliesOf(parent.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      messageId: parent.id,
      dedupeKey: 'k1',
      payload: { text: 'first', broadcast: true, group: 'g', line: 'l' },
      state: 'to_post',
    });
  });

  it('replies are due only under a posted parent, one at a time per thread, in order', () => {
    outbox.ensureMessage(ord('ord_1'), 'C1', T0);
    outbox.queueReply(ord('ord_1'), 'a', { text: 'a' }, T0);
    outbox.queueReply(ord('ord_1'), 'b', { text: 'b' }, T0);
    expect(outbox.dueReplies(T0, 10)).toEqual([]); // the parent is not posted yet

    const parent = outbox.messageFor(ord('ord_1'))!;
    outbox.claimPost(parent.id, T0);
    outbox.markPosted(parent.id, '1.1', 1, 'h', T0);
    const [a, b] = outbox.repliesOf(parent.id);
    expect(outbox.dueReplies(T0, 10).map((r) => r.id)).toEqual([a?.id]);

    expect(outbox.claimReply(a!.id, T0)).toBe(true);
    expect(outbox.claimReply(a!.id, T0)).toBe(false);
    expect(outbox.dueReplies(T0, 10)).toEqual([]); // b waits while a is in flight
    outbox.markReplyPosted(a!.id, '1.2');
    expect(outbox.dueReplies(T0, 10).map((r) => r.id)).toEqual([b?.id]);
    expect(outbox.repliesOf(parent.id)[0]).toMatchObject({ state: 'posted', ts: '1.2', postingSince: null });
  });

  it('replies of different threads are due side by side', () => {
    const p1 = postedParent(ord('o1'), 'C1');
    const p2 = postedParent(ord('o2'), 'C2');
    outbox.queueReply(ord('o1'), 'x1', { text: 'x1' }, T0);
    outbox.queueReply(ord('o1'), 'x2', { text: 'x2' }, T0);
    outbox.queueReply(ord('o2'), 'y1', { text: 'y1' }, T0);
    expect(outbox.dueReplies(T0, 10).map((r) => [r.messageId, r.dedupeKey])).toEqual([
      [p1.id, 'x1'],
      [p2.id, 'y1'],
    ]);
    expect(outbox.dueReplies(T0, 1)).toHaveLength(1);
  });

  it('requeueReply with maybePosted keeps the posting mark; markReplyFailed drops the reply and unblocks the thread', () => {
    const parent = postedParent();
    outbox.queueReply(ord('ord_1'), 'a', { text: 'a' }, T0);
    outbox.queueReply(ord('ord_1'), 'b', { text: 'b' }, T0);
    const [a, b] = outbox.repliesOf(parent.id);
    outbox.claimReply(a!.id, T0 + 1);
    outbox.requeueReply(a!.id, T0 + 500, true);
    expect(outbox.repliesOf(parent.id)[0]).toMatchObject({
      state: 'to_post',
      postingSince: T0 + 1,
      nextAttemptAt: T0 + 500,
    });
    expect(outbox.dueReplies(T0 + 499, 10)).toEqual([]);
    expect(outbox.dueReplies(T0 + 500, 10).map((r) => r.id)).toEqual([a!.id]);

    outbox.claimReply(a!.id, T0 + 600);
    expect(outbox.repliesOf(parent.id)[0]).toMatchObject({ postingSince: T0 + 1, attempts: 2 });
    outbox.requeueReply(a!.id, T0 + 700, false);
    expect(outbox.repliesOf(parent.id)[0]?.postingSince).toBeNull();

    outbox.markReplyFailed(a!.id);
    expect(outbox.repliesOf(parent.id)[0]?.state).toBe('failed');
    expect(outbox.dueReplies(T0 + 700, 10).map((r) => r.id)).toEqual([b!.id]);
  });

  it('spaceReplyUntil delays a reply without counting an attempt', () => {
    const parent = postedParent();
    outbox.queueReply(ord('ord_1'), 'a', { text: 'a' }, T0);
    const [a] = outbox.repliesOf(parent.id);
    outbox.spaceReplyUntil(a!.id, T0 + 1000);
    expect(outbox.dueReplies(T0 + 999, 10)).toEqual([]);
    expect(outbox.dueReplies(T0 + 1000, 10).map((r) => r.id)).toEqual([a!.id]);
    expect(outbox.repliesOf(parent.id)[0]?.attempts).toBe(0);
  });

  it('queuedReplies lists the unsent replies of a thread from an id on', () => {
    const parent = postedParent();
    for (const key of ['a', 'b', 'c', 'd']) outbox.queueReply(ord('ord_1'), key, { text: key }, T0);
    const [a, b, c] = outbox.repliesOf(parent.id);
    outbox.claimReply(a!.id, T0);
    outbox.markReplyPosted(a!.id, '9.9');
    expect(outbox.queuedReplies(parent.id, a!.id, 10).map((r) => r.dedupeKey)).toEqual(['b', 'c', 'd']);
    expect(outbox.queuedReplies(parent.id, c!.id, 10).map((r) => r.dedupeKey)).toEqual(['c', 'd']);
    expect(outbox.queuedReplies(parent.id, b!.id, 2).map((r) => r.dedupeKey)).toEqual(['b', 'c']);
  });
});

describe('recovery and accounting', () => {
  it('recoverInFlight puts whatever was being posted back in the queue, still marked maybe-posted', () => {
    const message = outbox.ensureMessage(ord('ord_1'), 'C1', T0);
    outbox.claimPost(message.id, T0 + 1);
    const parent = postedParent(ord('ord_2'));
    outbox.queueReply(ord('ord_2'), 'r', { text: 'r' }, T0);
    const [reply] = outbox.repliesOf(parent.id);
    outbox.claimReply(reply!.id, T0 + 2);

    outbox.recoverInFlight();
    expect(outbox.message(message.id)).toMatchObject({ state: 'to_post', postingSince: T0 + 1 });
    expect(outbox.repliesOf(parent.id)[0]).toMatchObject({ state: 'to_post', postingSince: T0 + 2 });
    expect(outbox.claimPost(message.id, T0 + 3)).toBe(true);
    expect(outbox.claimReply(reply!.id, T0 + 3)).toBe(true);
  });

  it('queueDepth counts parents to post, stale parents and unsent replies', () => {
    expect(outbox.queueDepth()).toBe(0);
    outbox.ensureMessage(ord('new'), 'C1', T0); // 1: to post
    postedParent(ord('posted'), 'C2'); // up to date: not counted
    expect(outbox.queueDepth()).toBe(1);
    outbox.markStale(ord('posted')); // 2: needs an edit
    outbox.queueReply(ord('posted'), 'r1', { text: 'r1' }, T0); // 3
    outbox.queueReply(ord('new'), 'r2', { text: 'r2' }, T0); // 4 (waits for its parent, still owed)
    expect(outbox.queueDepth()).toBe(4);
  });

  it('nextDueAt is the earliest moment some work becomes due, honouring the edit spacing', () => {
    expect(outbox.nextDueAt(SPACING)).toBeUndefined();
    const parent = postedParent(ord('posted'), 'C1', T0);
    expect(outbox.nextDueAt(SPACING)).toBeUndefined(); // nothing owed
    outbox.markStale(ord('posted'));
    expect(outbox.nextDueAt(SPACING)).toBe(T0 + SPACING); // last edit + spacing

    const later = outbox.ensureMessage(ord('later'), 'C2', T0);
    outbox.spaceMessageUntil(later.id, T0 + 300);
    expect(outbox.nextDueAt(SPACING)).toBe(T0 + 300);

    outbox.queueReply(ord('posted'), 'r', { text: 'r' }, T0);
    const [reply] = outbox.repliesOf(parent.id);
    outbox.spaceReplyUntil(reply!.id, T0 + 100);
    expect(outbox.nextDueAt(SPACING)).toBe(T0 + 100);

    // A reply under a parent that is not posted does not make anything due.
    const unposted = outbox.ensureMessage(ord('unposted'), 'C3', T0);
    outbox.spaceMessageUntil(unposted.id, T0 + 5000);
    outbox.queueReply(ord('unposted'), 'u', { text: 'u' }, T0);
    expect(outbox.nextDueAt(SPACING)).toBe(T0 + 100);
  });
});

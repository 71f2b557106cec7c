import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import type { SubjectTable } from '../../src/slack/outbox-subjects.js';
import { createSlackPublisher, type SlackPublisher } from '../../src/slack/publisher.js';
import type { SlackFailure } from '../../src/slack/slack-errors.js';
import { openDatabase } from '../../src/store/database.js';
import {
  createSlackOutboxRepo,
  type OutboxMessage,
  type SlackOutboxRepo,
} from '../../src/store/slack-outbox-repo.js';
import type { RenderedMessage } from '../../src/views/blocks.js';
import { FakeSlack } from '../fakes/fake-slack.js';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await FakeSlack.start();
});
afterAll(async () => {
  await slack.stop();
});

let outbox: SlackOutboxRepo;
let publisher: SlackPublisher;
let logs: string[];
let texts: Map<string, string>;
let throwOnRender: Set<string>;
let failedPosts: { message: OutboxMessage; failure: SlackFailure }[];

const render = (id: string): RenderedMessage | undefined => {
  if (throwOnRender.has(id)) throw new Error(`render bug for ${id}`);
  const text = texts.get(id);
  return text === undefined
    ? undefined
    : { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
};

const subjects: SubjectTable = {
  import: {
    render,
    async onPostFailed(message, failure) {
      failedPosts.push({ message, failure });
    },
  },
  order: { render, combineReplies: { g: (lines) => ({ text: `${lines.length}: ${lines.join(', ')}` }) } },
  action_notice: { render },
  cancellation_notice: { render },
  order_controls: { render },
  forwarding: { render },
  swap_notice: { render },
  digest: { render },
};

function createPublisher(
  options: { editSpacingMs?: number; postSpacingMs?: number; concurrency?: number } = {},
) {
  return createSlackPublisher({
    outbox,
    client: new WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    }),
    subjects,
    logger: createLogger({
      level: 'debug',
      scrubber: new SecretScrubber([]),
      write: (line) => logs.push(line),
    }),
    editSpacingMs: options.editSpacingMs ?? 0,
    postSpacingMs: options.postSpacingMs ?? 0,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}

beforeEach(() => {
  slack.reset();
  outbox = createSlackOutboxRepo(openDatabase(':memory:'));
  logs = [];
  texts = new Map();
  throwOnRender = new Set();
  failedPosts = [];
  publisher = createPublisher();
});
afterEach(async () => {
  await publisher.stop();
});

const order = (id: string) => ({ type: 'order' as const, id });
const queue = (id: string, channel = 'C1', text = `order ${id}`) => {
  texts.set(id, text);
  return outbox.ensureMessage(order(id), channel, Date.now());
};

describe('drain', () => {
  it('posts parents first, then their replies in order, and edits stale parents once', async () => {
    const message = queue('ord_1', 'C1', 'v1');
    outbox.queueReply(order('ord_1'), 'k1', { text: 'first' }, Date.now());
    outbox.queueReply(order('ord_1'), 'k2', { text: 'second' }, Date.now());
    await publisher.drain();

    const [parent] = slack.messagesIn('C1');
    expect(parent?.text).toBe('v1');
    expect(slack.replies('C1', parent!.ts).map((m) => m.text)).toEqual(['first', 'second']);
    expect(outbox.queueDepth()).toBe(0);

    for (const text of ['v2', 'v3', 'v4']) {
      texts.set('ord_1', text);
      outbox.markStale(order('ord_1'));
    }
    await publisher.drain();
    expect(slack.callsTo('chat.update')).toHaveLength(1); // a burst of changes is one edit
    expect(slack.message('C1', parent!.ts)?.text).toBe('v4');
    expect(outbox.message(message.id)?.sentVersion).toBe(outbox.message(message.id)?.contentVersion);
  });

  it('batches a burst of one group into one reply with the subject’s combiner', async () => {
    queue('ord_1');
    for (const name of ['a.com', 'b.com', 'c.com']) {
      outbox.queueReply(
        order('ord_1'),
        `c:${name}`,
        { text: `${name} connected`, group: 'g', line: name },
        Date.now(),
      );
    }
    await publisher.drain();
    const [parent] = slack.messagesIn('C1');
    expect(slack.replies('C1', parent!.ts).map((m) => m.text)).toEqual(['3: a.com, b.com, c.com']);
  });

  it('tells the subject when a post can never land', async () => {
    slack.setChannel('CPRIV', { isPrivate: true, isMember: false });
    texts.set('imp_1', 'instructions');
    const message = outbox.ensureMessage({ type: 'import', id: 'imp_1' }, 'CPRIV', Date.now());
    await publisher.drain();
    expect(failedPosts).toHaveLength(1);
    expect(failedPosts[0]?.message.id).toBe(message.id);
    expect(failedPosts[0]?.failure).toEqual({ kind: 'channel', error: 'not_in_channel' });
    expect(outbox.message(message.id)?.state).toBe('failed');
  });

  it('a render that throws never leaves the message stuck in posting', async () => {
    const message = queue('ord_1');
    throwOnRender.add('ord_1');
    await publisher.drain();
    expect(outbox.message(message.id)).toMatchObject({ state: 'to_post', lastError: 'internal_error' });
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    expect(logs.some((line) => line.includes('posting a status message failed unexpectedly'))).toBe(true);
  });

  it('spaces posts into one channel (postSpacingMs) when they go out one at a time', async () => {
    publisher = createPublisher({ postSpacingMs: 60_000, concurrency: 1 });
    queue('ord_1', 'C1');
    queue('ord_2', 'C1');
    queue('ord_3', 'C2');
    await publisher.drain();
    expect(slack.messagesIn('C1')).toHaveLength(1);
    expect(slack.messagesIn('C2')).toHaveLength(1);
    expect(outbox.queueDepth()).toBe(1);
  });

  /** Posts of one pass run side by side, so each reserves the channel's slot before its call. */
  it('spaces posts into one channel even when a pass posts several at once', async () => {
    publisher = createPublisher({ postSpacingMs: 60_000 });
    queue('ord_1', 'C1');
    queue('ord_2', 'C1');
    await publisher.drain();
    expect(slack.messagesIn('C1')).toHaveLength(1);
  });
});

describe('postNow', () => {
  it('posts one parent right away and reports where it landed', async () => {
    const message = queue('ord_1');
    const outcome = await publisher.postNow(message.id);
    const [landed] = slack.messagesIn('C1');
    expect(outcome).toEqual({ status: 'posted', ts: landed?.ts });
    // Asking again does not post twice.
    expect(await publisher.postNow(message.id)).toEqual(outcome);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('reports a refused, a waiting and an unknown message without calling Slack again', async () => {
    slack.setChannel('CGONE', { exists: false });
    const refused = queue('ord_1', 'CGONE');
    expect(await publisher.postNow(refused.id)).toEqual({
      status: 'failed',
      failure: { kind: 'channel', error: 'channel_not_found' },
    });
    const calls = slack.calls.length;
    // Stored: asking again classifies the stored error instead of calling Slack.
    expect(await publisher.postNow(refused.id)).toEqual({
      status: 'failed',
      failure: { kind: 'channel', error: 'channel_not_found' },
    });

    const waiting = queue('ord_2', 'C2');
    outbox.retryMessageAt(waiting.id, Date.now() + 60_000, 'ratelimited');
    expect(await publisher.postNow(waiting.id)).toEqual({ status: 'queued', reason: 'ratelimited' });

    expect(await publisher.postNow(424242)).toEqual({
      status: 'failed',
      failure: { kind: 'invalid', error: 'unknown_message' },
    });
    expect(slack.calls.length).toBe(calls);
  });
});

describe('the background loop', () => {
  it('wakes on outbox.onQueued instead of waiting for its idle timer', async () => {
    publisher.start();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the loop is now asleep (idle wake: 5 s)
    const started = Date.now();
    queue('ord_1');
    await slack.waitFor(() => slack.messagesIn('C1').length === 1, 1500, 'the queued parent to be posted');
    expect(Date.now() - started).toBeLessThan(1000);

    outbox.queueReply(order('ord_1'), 'k1', { text: 'reply' }, Date.now());
    const parent = slack.messagesIn('C1')[0]!;
    await slack.waitFor(() => slack.replies('C1', parent.ts).length === 1, 1500, 'the reply to be posted');
  });

  it('start recovers posts a previous process left in flight', async () => {
    const message = queue('ord_1');
    outbox.claimPost(message.id, Date.now()); // as if the process died mid-post
    publisher.start();
    await slack.waitFor(() => outbox.message(message.id)?.state === 'posted', 2000);
    // It first looked for the post in the channel (it may have landed before the crash).
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
    expect(slack.messagesIn('C1')).toHaveLength(1);
  });

  it('stop ends the loop: nothing queued afterwards is posted', async () => {
    publisher.start();
    await publisher.stop();
    queue('ord_1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.calls).toEqual([]);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import pLimit from 'p-limit';
import { type BackgroundGate, nextTurnGate } from '../lib/background-gate.js';
import type { Logger } from '../logger.js';
import type { OutboxMessage, OutboxReply, SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { StorageHealth } from '../store/storage-health.js';
import { createOutboxSender, type PostOutcome } from './outbox-sender.js';
import type { SubjectTable } from './outbox-subjects.js';
import { createPostPacing } from './post-pacing.js';
import { classifySlackError, type SlackFailure } from './slack-errors.js';

export type { PostOutcome } from './outbox-sender.js';

export interface SlackPublisherOptions {
  outbox: SlackOutboxRepo;
  client: WebClient;
  /** While the database refuses writes the publisher pauses: a post it could not record would be repeated. */
  storage?: StorageHealth;
  /** Every subject type's renderer, reply batching and failure hook. */
  subjects: SubjectTable;
  logger: Logger;
  now?: () => number;
  /** Minimum spacing between two edits of one parent (coalesces bursts of events). */
  editSpacingMs?: number;
  /** Minimum spacing between two posts into one channel (Slack allows about one per second). */
  postSpacingMs?: number;
  /** Slack calls in flight at once. */
  concurrency?: number;
  /** Acks first: each pass and each Slack call waits until no request awaits its answer. */
  gate?: BackgroundGate;
}

export interface SlackPublisher {
  start(): void;
  stop(): Promise<void>;
  /** Something was queued: look at the outbox now rather than at the next timer. */
  notify(): void;
  /** Posts one parent right away (the command flow wants to tell the requester where it went). */
  postNow(messageId: number): Promise<PostOutcome>;
  /** Works until nothing is due now (tests and shutdown). */
  drain(): Promise<void>;
}

/** With nothing due, the loop still looks at the outbox this often. */
const IDLE_WAKE_MS = 5_000;

/** A stored post error (the Slack error code) classified again for the requester's explanation. */
function classifyStored(error: string | null): SlackFailure {
  return classifySlackError({
    code: 'slack_webapi_platform_error',
    data: { error: error ?? 'unknown_error' },
  });
}

/**
 * Drains the Slack outbox in the background: posts parents, edits them when their subject is
 * stale (at most once per `editSpacingMs`, skipping edits that would not change anything), and
 * posts thread replies in order. It wakes up whenever the outbox reports new work
 * (`outbox.onQueued`), and otherwise when the next delayed item is due.
 */
export function createSlackPublisher(options: SlackPublisherOptions): SlackPublisher {
  const { outbox, logger, subjects } = options;
  const now = options.now ?? Date.now;
  const editSpacingMs = options.editSpacingMs ?? 1000;
  const concurrency = options.concurrency ?? 4;
  const pacing = createPostPacing({ postSpacingMs: options.postSpacingMs ?? 1000, now, logger });
  const sender = createOutboxSender({ outbox, client: options.client, subjects, pacing, logger, now });
  const limit = pLimit(concurrency);
  const gate = options.gate ?? nextTurnGate;
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: AbortController | undefined;
  let notified = false;
  let unsubscribe: (() => void) | undefined;
  /** A storage failure interrupted a pass: posts may be left claimed, to be put back first. */
  let recoverAfterStorageFailure = false;

  /** Logs a failure; a storage failure pauses the loop until the database takes writes again. */
  function noteError(error: unknown, message: string, context: Record<string, unknown> = {}): void {
    if (options.storage?.noteFailure(error)) recoverAfterStorageFailure = true;
    logger.error({ ...context, err: error }, message);
  }

  /** False while storage is unavailable; once it is back, claimed posts are put back in the queue. */
  function storageReady(): boolean {
    if (options.storage && !options.storage.check().writable) return false;
    if (recoverAfterStorageFailure) {
      // Their posting mark stays, so each is first looked up in Slack: a post that landed is not repeated.
      outbox.recoverInFlight();
      recoverAfterStorageFailure = false;
      logger.info('slack outbox resumed after a storage failure');
    }
    return true;
  }

  /** Runs the calls `concurrency` at a time; one failing never stops the others. */
  async function runAll(tasks: (() => Promise<unknown>)[]): Promise<void> {
    await Promise.all(
      tasks.map((task) =>
        limit(async () => {
          await gate.turn();
          return task();
        }).catch((error: unknown) => noteError(error, 'slack outbox task failed')),
      ),
    );
  }

  /** One pass over what is due now; true when it did anything. */
  async function pass(): Promise<boolean> {
    const messages = outbox.dueMessages(now(), editSpacingMs, concurrency * 4);
    const posts = messages.filter((message) => message.state === 'to_post');
    const edits = messages.filter((message) => message.state === 'posted');
    // Parents first: replies need their thread, and a new post already shows the latest state.
    await runAll(posts.map((message) => () => postAndReport(message)));
    const replies = outbox.dueReplies(now(), concurrency * 4);
    await runAll([
      ...edits.map((message) => () => sender.editParent(message)),
      ...replies.map((reply) => () => guardedReply(reply)),
    ]);
    return messages.length + replies.length > 0;
  }

  /** `postParent`, but a bug (a throw) can never leave the message stuck in 'posting' until a restart. */
  async function guardedPost(
    message: OutboxMessage,
    postOptions: { now?: boolean } = {},
  ): Promise<PostOutcome> {
    try {
      return await sender.postParent(message, postOptions);
    } catch (error) {
      noteError(error, 'posting a status message failed unexpectedly', { messageId: message.id });
      if (recoverAfterStorageFailure) return { status: 'queued', reason: 'storage_unavailable' };
      if (outbox.message(message.id)?.state === 'posting') {
        outbox.requeuePost(message.id, sender.retryAt(message.attempts), 'internal_error', true);
      }
      return { status: 'queued', reason: 'internal_error' };
    }
  }

  async function postAndReport(message: OutboxMessage): Promise<void> {
    const outcome = await guardedPost(message);
    if (outcome.status === 'failed') {
      await subjects[message.subject.type].onPostFailed?.(message, outcome.failure);
    }
  }

  async function guardedReply(reply: OutboxReply): Promise<void> {
    try {
      await sender.postReply(reply);
    } catch (error) {
      noteError(error, 'posting a thread reply failed unexpectedly', { replyId: reply.id });
      if (recoverAfterStorageFailure) return;
      for (const item of outbox.repliesOf(reply.messageId)) {
        if (item.state === 'posting') outbox.requeueReply(item.id, sender.retryAt(item.attempts), true);
      }
    }
  }

  /**
   * Passes never overlap: the background loop, `drain()` (shutdown, tests) and a burst of
   * notifications all queue behind the running pass, so one message is never edited twice at once.
   */
  let passing: Promise<boolean> = Promise.resolve(false);
  function serialPass(): Promise<boolean> {
    const next = passing.catch(() => false).then(() => pass());
    passing = next;
    return next;
  }

  async function run(): Promise<void> {
    while (running) {
      let delay = IDLE_WAKE_MS;
      await gate.turn();
      if (!running) break;
      try {
        if (storageReady() && (await serialPass())) continue;
        if (!running) break;
        if (notified) {
          notified = false;
          continue;
        }
        const nextDue = outbox.nextDueAt(editSpacingMs);
        if (nextDue !== undefined) delay = Math.min(IDLE_WAKE_MS, Math.max(10, nextDue - now()));
      } catch (error) {
        // The database or Slack failing must not kill the loop (or the process): log, wait, go on.
        noteError(error, 'slack outbox pass failed');
      }
      if (!running) break;
      wake = new AbortController();
      await sleep(delay, undefined, { signal: wake.signal }).catch(() => undefined);
      wake = undefined;
    }
  }

  /** Waits (briefly) for a post that another caller is making to land or fail. */
  async function settled(messageId: number): Promise<PostOutcome> {
    for (let waited = 0; waited < 15_000; waited += 50) {
      const message = outbox.message(messageId);
      if (message?.state === 'posted' && message.ts) return { status: 'posted', ts: message.ts };
      if (message?.state === 'failed')
        return { status: 'failed', failure: classifyStored(message.lastError) };
      if (message?.state === 'to_post') return { status: 'queued', reason: message.lastError ?? 'retrying' };
      await sleep(50);
    }
    return { status: 'queued', reason: 'still posting' };
  }

  const publisher: SlackPublisher = {
    start() {
      if (running) return;
      running = true;
      outbox.recoverInFlight();
      unsubscribe = outbox.onQueued(() => publisher.notify());
      loop = run();
    },
    async stop() {
      running = false;
      unsubscribe?.();
      wake?.abort();
      await loop;
    },
    notify() {
      notified = true;
      wake?.abort();
    },
    async postNow(messageId: number) {
      const message = outbox.message(messageId);
      if (!message) return { status: 'failed', failure: { kind: 'invalid', error: 'unknown_message' } };
      if (message.state === 'posted' && message.ts) return { status: 'posted', ts: message.ts };
      if (message.state === 'failed') return { status: 'failed', failure: classifyStored(message.lastError) };
      if (message.nextAttemptAt > now()) return { status: 'queued', reason: message.lastError ?? 'waiting' };
      let outcome = await guardedPost(message, { now: true });
      if (outcome.status === 'queued' && outcome.reason === 'already being posted') {
        // The background loop got there first; report its result instead of a vague "queued".
        outcome = await settled(messageId);
      }
      if (outcome.status === 'posted') publisher.notify();
      return outcome;
    },
    async drain() {
      for (let guard = 0; guard < 10_000; guard += 1) {
        if (!(await serialPass())) return;
      }
    },
  };
  return publisher;
}

import { createHash } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { OutboxMessage, OutboxReply, SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { RenderedMessage } from '../views/import-message.js';
import { classifySlackError, type SlackFailure } from './slack-errors.js';

/** Renders the current parent message of one subject (an import, an order). */
export type MessageRenderer = (subjectId: string, now: number) => RenderedMessage | undefined;

export type PostOutcome =
  | { status: 'posted'; ts: string }
  | { status: 'failed'; failure: SlackFailure }
  | { status: 'queued'; reason: string };

export interface SlackPublisherOptions {
  outbox: SlackOutboxRepo;
  client: WebClient;
  renderers: Record<string, MessageRenderer>;
  logger: Logger;
  now?: () => number;
  /** Minimum spacing between two edits of one parent (coalesces bursts of events). */
  editSpacingMs?: number;
  /** Slack calls in flight at once. */
  concurrency?: number;
  /** A post that can never land (bot not in the channel…): tell the person who asked for it. */
  onPostFailed?: (message: OutboxMessage, failure: SlackFailure) => void | Promise<void>;
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

const METADATA_EVENT = 'peeker_message';

/** A stored post error (the Slack error code) classified again for the requester's explanation. */
function classifyStored(error: string | null): SlackFailure {
  return classifySlackError({
    code: 'slack_webapi_platform_error',
    data: { error: error ?? 'unknown_error' },
  });
}
const MAX_BACKOFF_MS = 5 * 60_000;
const IDLE_WAKE_MS = 5_000;

/**
 * Drains the Slack outbox: posts parents, edits them when their subject changed (at most once per
 * `editSpacingMs`, skipping edits that would not change anything), and posts thread replies in
 * order. Every message carries metadata with its outbox key, so a post that may have landed
 * before a crash or a timeout is looked up in the channel before it is sent again.
 */
export function createSlackPublisher(options: SlackPublisherOptions): SlackPublisher {
  const { outbox, client, renderers, logger } = options;
  const now = options.now ?? Date.now;
  const editSpacingMs = options.editSpacingMs ?? 1000;
  const concurrency = options.concurrency ?? 4;
  const pausedUntil = new Map<string, number>();
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let notified = false;

  const hashOf = (rendered: RenderedMessage) =>
    createHash('sha1').update(JSON.stringify(rendered)).digest('hex');
  const backoff = (attempts: number) =>
    Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 10)) * (0.5 + Math.random() / 2);

  function render(message: OutboxMessage): RenderedMessage | undefined {
    const renderer = renderers[message.subjectType];
    return renderer?.(message.subjectId, now());
  }

  function paused(method: string): number | undefined {
    const until = pausedUntil.get(method);
    return until !== undefined && until > now() ? until : undefined;
  }

  function noteRateLimit(method: string, failure: SlackFailure): number {
    const until = now() + (failure.kind === 'rate_limited' ? failure.retryAfterMs : 1000);
    pausedUntil.set(method, Math.max(pausedUntil.get(method) ?? 0, until));
    logger.warn({ method, retryAt: new Date(until).toISOString() }, 'slack rate limit; waiting it out');
    return until;
  }

  /** Looks for a message we may have posted already (identified by its outbox key). */
  async function findPosted(
    channel: string,
    key: string,
    sinceMs: number,
    threadTs?: string,
  ): Promise<string | undefined> {
    try {
      const result = threadTs
        ? await client.conversations.replies({
            channel,
            ts: threadTs,
            include_all_metadata: true,
            limit: 200,
          })
        : await client.conversations.history({
            channel,
            oldest: ((sinceMs - 60_000) / 1000).toFixed(6),
            include_all_metadata: true,
            limit: 200,
          });
      const match = (result.messages ?? []).find(
        (message) =>
          message.metadata?.event_type === METADATA_EVENT &&
          (message.metadata.event_payload as { key?: unknown } | undefined)?.key === key,
      );
      return match?.ts;
    } catch (error) {
      // Without history access we cannot tell; posting again risks a duplicate but never loses the message.
      logger.warn(
        { channel, err: classifySlackError(error).error },
        'could not check whether a post already landed',
      );
      return undefined;
    }
  }

  async function postParent(message: OutboxMessage): Promise<PostOutcome> {
    const until = paused('chat.postMessage');
    if (until !== undefined) {
      outbox.deferMessage(message.id, until, 'ratelimited');
      return { status: 'queued', reason: 'ratelimited' };
    }
    if (!outbox.claimPost(message.id, now())) return { status: 'queued', reason: 'already being posted' };
    const claimed = outbox.message(message.id);
    if (!claimed) return { status: 'queued', reason: 'gone' };
    const key = `m${claimed.id}`;
    const rendered = render(claimed);
    if (!rendered) {
      outbox.giveUp(claimed.id, 'nothing to render');
      return { status: 'failed', failure: { kind: 'invalid', error: 'nothing_to_render' } };
    }
    if (message.postingSince !== null) {
      const ts = await findPosted(claimed.channelId, key, message.postingSince);
      if (ts) {
        // It landed before the crash/timeout; record it and let an edit bring it up to date.
        outbox.markPosted(claimed.id, ts, 0, '', now());
        return { status: 'posted', ts };
      }
    }
    try {
      const result = await client.chat.postMessage({
        channel: claimed.channelId,
        text: rendered.text,
        blocks: rendered.blocks,
        metadata: { event_type: METADATA_EVENT, event_payload: { key } },
        unfurl_links: false,
        unfurl_media: false,
      });
      const ts = result.ts ?? '';
      outbox.markPosted(claimed.id, ts, claimed.contentVersion, hashOf(rendered), now());
      return { status: 'posted', ts };
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind === 'rate_limited') {
        outbox.releasePost(claimed.id, noteRateLimit('chat.postMessage', failure), failure.error, false);
        return { status: 'queued', reason: failure.error };
      }
      if (failure.kind === 'transient') {
        outbox.releasePost(
          claimed.id,
          now() + backoff(claimed.attempts),
          failure.error,
          failure.maybeDelivered,
        );
        logger.warn({ messageId: claimed.id, error: failure.error }, 'slack post failed; will retry');
        return { status: 'queued', reason: failure.error };
      }
      outbox.giveUp(claimed.id, failure.error);
      logger.warn(
        { messageId: claimed.id, channel: claimed.channelId, error: failure.error },
        'slack post refused',
      );
      return { status: 'failed', failure };
    }
  }

  async function editParent(message: OutboxMessage): Promise<void> {
    const until = paused('chat.update');
    if (until !== undefined) {
      outbox.deferMessage(message.id, until, 'ratelimited');
      return;
    }
    const rendered = render(message);
    if (!rendered || !message.ts)
      return outbox.markEdited(
        message.id,
        message.contentVersion,
        message.contentHash ?? '',
        message.lastEditAt ?? 0,
      );
    const hash = hashOf(rendered);
    if (hash === message.contentHash) {
      // The state changed but not what it looks like: no call, and no edit-spacing spent.
      outbox.markEdited(message.id, message.contentVersion, hash, message.lastEditAt ?? 0);
      return;
    }
    try {
      await client.chat.update({
        channel: message.channelId,
        ts: message.ts,
        text: rendered.text,
        blocks: rendered.blocks,
      });
      outbox.markEdited(message.id, message.contentVersion, hash, now());
    } catch (error) {
      const failure = classifySlackError(error);
      switch (failure.kind) {
        case 'rate_limited':
          outbox.deferMessage(message.id, noteRateLimit('chat.update', failure), failure.error);
          return;
        case 'transient':
          outbox.deferMessage(message.id, now() + backoff(message.attempts), failure.error);
          return;
        case 'message_gone':
          logger.warn(
            { messageId: message.id, error: failure.error },
            'status message is gone; posting it again',
          );
          outbox.repost(message.id);
          return;
        case 'invalid':
          // A rendering bug must not loop forever; keep the old content and say so loudly.
          logger.error({ messageId: message.id, error: failure.error }, 'slack rejected an edit');
          outbox.markEdited(message.id, message.contentVersion, hash, now());
          return;
        default:
          logger.warn(
            { messageId: message.id, error: failure.error },
            'cannot edit status message; giving up',
          );
          outbox.giveUp(message.id, failure.error);
      }
    }
  }

  async function postReply(reply: OutboxReply): Promise<void> {
    const until = paused('chat.postMessage');
    if (until !== undefined) return outbox.releaseReply(reply.id, until, reply.postingSince !== null);
    const parent = outbox.message(reply.messageId);
    if (!parent?.ts || parent.state !== 'posted') return;
    if (!outbox.claimReply(reply.id, now())) return;
    const key = `r${reply.id}`;
    if (reply.postingSince !== null) {
      const ts = await findPosted(parent.channelId, key, reply.postingSince, parent.ts);
      if (ts) return outbox.markReplyPosted(reply.id, ts);
    }
    try {
      const result = await client.chat.postMessage({
        channel: parent.channelId,
        thread_ts: parent.ts,
        text: reply.payload.text,
        ...(reply.payload.blocks ? { blocks: reply.payload.blocks as KnownBlock[] } : {}),
        ...(reply.payload.broadcast ? { reply_broadcast: true } : {}),
        metadata: { event_type: METADATA_EVENT, event_payload: { key } },
        unfurl_links: false,
        unfurl_media: false,
      } as ChatPostMessageArguments);
      outbox.markReplyPosted(reply.id, result.ts ?? '');
    } catch (error) {
      const failure = classifySlackError(error);
      switch (failure.kind) {
        case 'rate_limited':
          return outbox.releaseReply(reply.id, noteRateLimit('chat.postMessage', failure), false);
        case 'transient':
          return outbox.releaseReply(reply.id, now() + backoff(reply.attempts), failure.maybeDelivered);
        case 'message_gone':
          outbox.releaseReply(reply.id, now(), false);
          return outbox.repost(parent.id);
        default:
          logger.warn(
            { replyId: reply.id, error: failure.error },
            'slack refused a thread reply; dropping it',
          );
          return outbox.giveUpReply(reply.id);
      }
    }
  }

  async function runLimited(tasks: (() => Promise<unknown>)[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < tasks.length) {
        const task = tasks[next++];
        try {
          await task?.();
        } catch (error) {
          logger.error({ err: error }, 'slack outbox task failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  }

  /** One pass over what is due now; true when it did anything. */
  async function pass(): Promise<boolean> {
    const at = now();
    const messages = outbox.dueMessages(at, editSpacingMs, concurrency * 4);
    const posts = messages.filter((message) => message.state === 'to_post');
    const edits = messages.filter((message) => message.state === 'posted');
    // Parents first: replies need their thread, and a new post already shows the latest state.
    await runLimited(posts.map((message) => () => postOutcome(message)));
    const replies = outbox.dueReplies(now(), concurrency * 4);
    await runLimited([
      ...edits.map((message) => () => editParent(message)),
      ...replies.map((reply) => () => postReply(reply)),
    ]);
    return messages.length + replies.length > 0;
  }

  async function postOutcome(message: OutboxMessage): Promise<void> {
    const outcome = await postParent(message);
    if (outcome.status === 'failed' && options.onPostFailed) {
      await options.onPostFailed(message, outcome.failure);
    }
  }

  async function run(): Promise<void> {
    while (running) {
      let worked = false;
      try {
        worked = await pass();
      } catch (error) {
        logger.error({ err: error }, 'slack outbox pass failed');
      }
      if (!running) break;
      if (worked) continue;
      if (notified) {
        notified = false;
        continue;
      }
      const nextDue = outbox.nextDueAt(editSpacingMs);
      const delay =
        nextDue === undefined ? IDLE_WAKE_MS : Math.min(IDLE_WAKE_MS, Math.max(10, nextDue - now()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  /** Waits (briefly) for a post that another caller is making to land or fail. */
  async function settled(messageId: number): Promise<PostOutcome> {
    for (let waited = 0; waited < 15_000; waited += 50) {
      const message = outbox.message(messageId);
      if (message?.state === 'posted' && message.ts) return { status: 'posted', ts: message.ts };
      if (message?.state === 'failed') {
        return { status: 'failed', failure: classifyStored(message.lastError) };
      }
      if (message?.state === 'to_post') return { status: 'queued', reason: message.lastError ?? 'retrying' };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { status: 'queued', reason: 'still posting' };
  }

  return {
    start() {
      if (running) return;
      running = true;
      outbox.recoverInFlight();
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
    notify() {
      notified = true;
      wake?.();
    },
    async postNow(messageId: number) {
      const message = outbox.message(messageId);
      if (!message) return { status: 'failed', failure: { kind: 'invalid', error: 'unknown_message' } };
      if (message.state === 'posted' && message.ts) return { status: 'posted', ts: message.ts };
      if (message.state === 'failed') return { status: 'failed', failure: classifyStored(message.lastError) };
      if (message.nextAttemptAt > now()) return { status: 'queued', reason: message.lastError ?? 'waiting' };
      let outcome = await postParent(message);
      if (outcome.status === 'queued' && outcome.reason === 'already being posted') {
        // The background loop got there first; report its result instead of a vague "queued".
        outcome = await settled(messageId);
      }
      if (outcome.status === 'posted') this.notify();
      return outcome;
    },
    async drain() {
      for (let guard = 0; guard < 10_000; guard += 1) {
        if (!(await pass())) return;
      }
    },
  };
}

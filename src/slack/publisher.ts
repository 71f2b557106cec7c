import { createHash } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type {
  OutboxMessage,
  OutboxReply,
  ReplyPayload,
  SlackOutboxRepo,
} from '../store/slack-outbox-repo.js';
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
  /**
   * Minimum spacing between two posts into one channel (Slack allows about one per second);
   * thread replies queued meanwhile are batched into the next post where they share a group.
   */
  postSpacingMs?: number;
  /** Slack calls in flight at once. */
  concurrency?: number;
  /** Joins the lines of a batch of same-group replies into one reply. */
  combiners?: Record<string, (lines: string[]) => ReplyPayload>;
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
const MAX_BATCH = 50;
/** A batched reply stays well inside a section's 3,000 characters, so every line is shown. */
const MAX_BATCH_CHARS = 2_400;
const MAX_LOOKUP_PAGES = 10;

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
  const combiners = options.combiners ?? {};
  const pausedUntil = new Map<string, number>();
  const postSpacingMs = options.postSpacingMs ?? 1000;
  // When each channel may take its next post (chat.postMessage: about one per second per channel).
  const channelFreeAt = new Map<string, number>();
  const spacedUntil = (channel: string): number | undefined => {
    const at = channelFreeAt.get(channel);
    return at !== undefined && at > now() ? at : undefined;
  };
  const notePost = (channel: string) => channelFreeAt.set(channel, now() + postSpacingMs);
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let notified = false;

  const hashOf = (rendered: RenderedMessage) =>
    createHash('sha1').update(JSON.stringify(rendered)).digest('hex');
  // Whole milliseconds: the outbox columns are STRICT integers.
  const backoff = (attempts: number) =>
    Math.round(Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 10)) * (0.5 + Math.random() / 2));

  function render(message: OutboxMessage): RenderedMessage | undefined {
    const renderer = renderers[message.subjectType];
    return renderer?.(message.subjectId, now());
  }

  function paused(method: string): number | undefined {
    const until = pausedUntil.get(method);
    return until !== undefined && until > now() ? until : undefined;
  }

  function noteRateLimit(method: string, failure: SlackFailure): number {
    const until = Math.round(now() + (failure.kind === 'rate_limited' ? failure.retryAfterMs : 1000));
    pausedUntil.set(method, Math.max(pausedUntil.get(method) ?? 0, until));
    logger.warn({ method, retryAt: new Date(until).toISOString() }, 'slack rate limit; waiting it out');
    return until;
  }

  /**
   * Messages we posted since `sinceMs` (identified by their outbox keys), to find posts that may
   * have landed before a crash or a timeout. Keys map to the message `ts`.
   */
  async function findPostedKeys(
    channel: string,
    sinceMs: number,
    threadTs?: string,
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    try {
      let cursor: string | undefined;
      // Follow the cursor: a long thread (a 500-domain order) has more replies than one page.
      for (let page = 0; page < MAX_LOOKUP_PAGES; page += 1) {
        const result = threadTs
          ? await client.conversations.replies({
              channel,
              ts: threadTs,
              include_all_metadata: true,
              limit: 200,
              oldest: ((sinceMs - 60_000) / 1000).toFixed(6),
              ...(cursor ? { cursor } : {}),
            })
          : await client.conversations.history({
              channel,
              oldest: ((sinceMs - 60_000) / 1000).toFixed(6),
              include_all_metadata: true,
              limit: 200,
              ...(cursor ? { cursor } : {}),
            });
        for (const message of result.messages ?? []) {
          const key = (message.metadata?.event_payload as { key?: unknown } | undefined)?.key;
          if (message.metadata?.event_type !== METADATA_EVENT || typeof key !== 'string' || !message.ts)
            continue;
          for (const part of key.split('-')) found.set(part, message.ts);
        }
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
    } catch (error) {
      // Without history access we cannot tell; posting again risks a duplicate but never loses the message.
      logger.warn(
        { channel, err: classifySlackError(error).error },
        'could not check whether a post already landed',
      );
    }
    return found;
  }

  async function postParent(message: OutboxMessage, options: { now?: boolean } = {}): Promise<PostOutcome> {
    const until = paused('chat.postMessage');
    if (until !== undefined) {
      outbox.deferMessage(message.id, until, 'ratelimited');
      return { status: 'queued', reason: 'ratelimited' };
    }
    const spaced = options.now ? undefined : spacedUntil(message.channelId);
    if (spaced !== undefined) {
      outbox.postponeMessage(message.id, spaced);
      return { status: 'queued', reason: 'spacing' };
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
      const ts = (await findPostedKeys(claimed.channelId, message.postingSince)).get(key);
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
      notePost(claimed.channelId);
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

  /** The reply itself, or it and the same-group replies queued right after it (one post for a burst). */
  function batchFor(reply: OutboxReply): OutboxReply[] {
    const group = reply.payload.group;
    if (!group || !combiners[group]) return [reply];
    const batch: OutboxReply[] = [];
    let chars = 0;
    for (const queued of outbox.queuedReplies(reply.messageId, reply.id, MAX_BATCH)) {
      if (queued.payload.group !== group) break;
      chars += (queued.payload.line ?? queued.payload.text).length + 1;
      if (batch.length > 0 && chars > MAX_BATCH_CHARS) break;
      batch.push(queued);
    }
    return batch.length > 0 ? batch : [reply];
  }

  async function postReply(reply: OutboxReply): Promise<void> {
    const until = paused('chat.postMessage');
    if (until !== undefined) return outbox.releaseReply(reply.id, until, reply.postingSince !== null);
    const parent = outbox.message(reply.messageId);
    if (!parent?.ts || parent.state !== 'posted') return;
    const spaced = spacedUntil(parent.channelId);
    if (spaced !== undefined) return outbox.postponeReply(reply.id, spaced);
    const batch = batchFor(reply).filter((item) => outbox.claimReply(item.id, now()));
    if (batch.length === 0) return;
    // One metadata key naming every reply in the post, so crash recovery finds each of them.
    const key = batch.map((item) => `r${item.id}`).join('-');
    const maybePosted = batch.filter((item) => item.postingSince !== null);
    if (maybePosted.length > 0) {
      const since = Math.min(...maybePosted.map((item) => item.postingSince ?? now()));
      const found = await findPostedKeys(parent.channelId, since, parent.ts);
      const remaining: OutboxReply[] = [];
      for (const item of batch) {
        const ts = found.get(`r${item.id}`);
        if (ts) outbox.markReplyPosted(item.id, ts);
        else remaining.push(item);
      }
      if (remaining.length === 0) return;
      if (remaining.length !== batch.length) {
        for (const item of remaining) outbox.releaseReply(item.id, now(), false);
        return;
      }
    }
    const first = batch[0] ?? reply;
    const group = first.payload.group;
    const combine = group ? combiners[group] : undefined;
    const payload =
      batch.length > 1 && combine
        ? combine(batch.map((item) => item.payload.line ?? item.payload.text))
        : first.payload;
    try {
      const result = await client.chat.postMessage({
        channel: parent.channelId,
        thread_ts: parent.ts,
        text: payload.text,
        ...(payload.blocks ? { blocks: payload.blocks as KnownBlock[] } : {}),
        ...(payload.broadcast ? { reply_broadcast: true } : {}),
        metadata: { event_type: METADATA_EVENT, event_payload: { key } },
        unfurl_links: false,
        unfurl_media: false,
      } as ChatPostMessageArguments);
      notePost(parent.channelId);
      for (const item of batch) outbox.markReplyPosted(item.id, result.ts ?? '');
    } catch (error) {
      const failure = classifySlackError(error);
      const release = (retryAt: number, maybe: boolean) => {
        for (const item of batch) outbox.releaseReply(item.id, retryAt, maybe);
      };
      switch (failure.kind) {
        case 'rate_limited':
          return release(noteRateLimit('chat.postMessage', failure), false);
        case 'transient':
          return release(now() + backoff(first.attempts), failure.maybeDelivered);
        case 'message_gone':
          release(now(), false);
          return outbox.repost(parent.id);
        default:
          logger.warn(
            { replyId: first.id, error: failure.error },
            'slack refused a thread reply; dropping it',
          );
          for (const item of batch) outbox.giveUpReply(item.id);
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
      ...replies.map((reply) => () => replyOutcome(reply)),
    ]);
    return messages.length + replies.length > 0;
  }

  /** `postParent`, but a bug (a throw) can never leave the message stuck in 'posting' until a restart. */
  async function guardedPostParent(
    message: OutboxMessage,
    postOptions: { now?: boolean } = {},
  ): Promise<PostOutcome> {
    try {
      return await postParent(message, postOptions);
    } catch (error) {
      logger.error({ messageId: message.id, err: error }, 'posting a status message failed unexpectedly');
      if (outbox.message(message.id)?.state === 'posting') {
        outbox.releasePost(message.id, now() + backoff(message.attempts), 'internal_error', true);
      }
      return { status: 'queued', reason: 'internal_error' };
    }
  }

  async function postOutcome(message: OutboxMessage): Promise<void> {
    const outcome = await guardedPostParent(message);
    if (outcome.status === 'failed' && options.onPostFailed) {
      await options.onPostFailed(message, outcome.failure);
    }
  }

  async function replyOutcome(reply: OutboxReply): Promise<void> {
    try {
      await postReply(reply);
    } catch (error) {
      logger.error({ replyId: reply.id, err: error }, 'posting a thread reply failed unexpectedly');
      for (const item of outbox.repliesOf(reply.messageId)) {
        if (item.state === 'posting') outbox.releaseReply(item.id, now() + backoff(item.attempts), true);
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
      try {
        if (await serialPass()) continue;
        if (!running) break;
        if (notified) {
          notified = false;
          continue;
        }
        const nextDue = outbox.nextDueAt(editSpacingMs);
        if (nextDue !== undefined) delay = Math.min(IDLE_WAKE_MS, Math.max(10, nextDue - now()));
      } catch (error) {
        // The database or Slack failing must not kill the loop (or the process): log, wait, go on.
        logger.error({ err: error }, 'slack outbox pass failed');
      }
      if (!running) break;
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
      let outcome = await guardedPostParent(message, { now: true });
      if (outcome.status === 'queued' && outcome.reason === 'already being posted') {
        // The background loop got there first; report its result instead of a vague "queued".
        outcome = await settled(messageId);
      }
      if (outcome.status === 'posted') this.notify();
      return outcome;
    },
    async drain() {
      for (let guard = 0; guard < 10_000; guard += 1) {
        if (!(await serialPass())) return;
      }
    },
  };
}

import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import type { Logger } from '../logger.js';
import type {
  OutboxMessage,
  OutboxReply,
  ReplyPayload,
  SlackOutboxRepo,
} from '../store/slack-outbox-repo.js';
import { compactMessage, type RenderedMessage } from '../views/blocks.js';
import type { SubjectTable } from './outbox-subjects.js';
import type { PostPacing } from './post-pacing.js';
import { findPostedKeys, outboxMetadata } from './posted-lookup.js';
import { classifySlackError, type SlackFailure } from './slack-errors.js';

export type PostOutcome =
  | { status: 'posted'; ts: string }
  | { status: 'failed'; failure: SlackFailure }
  | { status: 'queued'; reason: string };

/** A failed Slack call about one message is retried 1 s, 2 s, 4 s… later, at most 5 min apart. */
export const SLACK_RETRY_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 5 * 60_000 };
/** At most this many replies of one group go into one batched reply… */
const MAX_BATCH = 50;
/** …and at most this many characters, well inside a section's 3,000, so every line is shown. */
const MAX_BATCH_CHARS = 2_400;
/** Slack's answers to a message that is too long or too big; it is sent again cut down. */
const TOO_LONG = new Set(['msg_blocks_too_long', 'invalid_blocks', 'msg_too_long']);

/**
 * The three Slack calls of the outbox — post a parent, edit it, post a thread reply — each
 * recording its outcome in the outbox so nothing is sent twice or lost: a post is claimed before
 * the call, looked up in the channel when it may have landed unrecorded, and put back in the queue
 * (with the reason) when Slack failed.
 */
export function createOutboxSender(deps: {
  outbox: SlackOutboxRepo;
  client: WebClient;
  subjects: SubjectTable;
  pacing: PostPacing;
  logger: Logger;
  now: () => number;
}) {
  const { outbox, client, subjects, pacing, logger, now } = deps;
  const hashOf = (rendered: RenderedMessage) =>
    createHash('sha1').update(JSON.stringify(rendered)).digest('hex');
  const retryAt = (attempts: number) => now() + backoffDelay(SLACK_RETRY_BACKOFF, attempts);
  const joined = new Set<string>();

  /**
   * Joins a public channel before the first post into it (`channels:join`): with
   * `chat:write.public` the bot can post without being a member, but then it cannot read the
   * channel's history, and history is how a post that landed just before a crash is found again
   * instead of being posted twice. Private channels, DMs and refusals are left alone: the post
   * itself then says what is wrong. Once per channel per process.
   */
  async function joinIfPublic(channelId: string): Promise<void> {
    if (!/^C[A-Z0-9]+$/.test(channelId) || joined.has(channelId)) return;
    try {
      await client.conversations.join({ channel: channelId });
      joined.add(channelId);
    } catch (error) {
      const failure = classifySlackError(error);
      // A private channel (or a refusal) will not change by asking again.
      if (failure.kind !== 'transient' && failure.kind !== 'rate_limited') joined.add(channelId);
      logger.debug({ channel: channelId, error: failure.error }, 'could not join the channel before posting');
    }
  }

  const render = (message: OutboxMessage) => subjects[message.subject.type].render(message.subject.id, now());

  /**
   * Sends a rendering; when Slack refuses it as too long, sends it once more cut down
   * (`compactMessage`) rather than leaving the customer's message at its last state for ever.
   */
  async function withCompactFallback<T>(
    rendered: RenderedMessage,
    send: (message: RenderedMessage) => Promise<T>,
  ): Promise<T> {
    try {
      return await send(rendered);
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind !== 'invalid' || !TOO_LONG.has(failure.error)) throw error;
      logger.warn({ error: failure.error }, 'slack refused a message as too long; sending it shortened');
      return send(compactMessage(rendered));
    }
  }

  async function postParent(message: OutboxMessage, options: { now?: boolean } = {}): Promise<PostOutcome> {
    const paused = pacing.pausedUntil('chat.postMessage');
    if (paused !== undefined) {
      outbox.retryMessageAt(message.id, paused, 'ratelimited');
      return { status: 'queued', reason: 'ratelimited' };
    }
    if (!options.now && !pacing.reserve(message.channelId)) {
      outbox.spaceMessageUntil(message.id, pacing.spacedUntil(message.channelId) ?? now());
      return { status: 'queued', reason: 'spacing' };
    }
    if (!outbox.claimPost(message.id, now())) return { status: 'queued', reason: 'already being posted' };
    const claimed = outbox.message(message.id);
    if (!claimed) return { status: 'queued', reason: 'gone' };
    const key = `m${claimed.id}`;
    const rendered = render(claimed);
    if (!rendered) {
      outbox.markFailed(claimed.id, 'nothing to render');
      return { status: 'failed', failure: { kind: 'invalid', error: 'nothing_to_render' } };
    }
    await joinIfPublic(claimed.channelId);
    if (message.postingSince !== null) {
      const found = await findPostedKeys(client, logger, {
        channel: claimed.channelId,
        sinceMs: message.postingSince,
      });
      const ts = found.get(key);
      if (ts) {
        // It landed before the crash/timeout; record it and let an edit bring it up to date.
        outbox.markPosted(claimed.id, ts, 0, '', now());
        return { status: 'posted', ts };
      }
    }
    try {
      const result = await withCompactFallback(rendered, (message) =>
        client.chat.postMessage({
          channel: claimed.channelId,
          text: message.text,
          blocks: message.blocks,
          metadata: outboxMetadata(key),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      const ts = result.ts ?? '';
      if (options.now) pacing.reserve(claimed.channelId);
      outbox.markPosted(claimed.id, ts, claimed.contentVersion, hashOf(rendered), now());
      return { status: 'posted', ts };
    } catch (error) {
      const failure = classifySlackError(error);
      if (!options.now) pacing.release(claimed.channelId);
      if (failure.kind === 'rate_limited') {
        outbox.requeuePost(
          claimed.id,
          pacing.noteRateLimit('chat.postMessage', failure),
          failure.error,
          false,
        );
        return { status: 'queued', reason: failure.error };
      }
      if (failure.kind === 'transient') {
        outbox.requeuePost(claimed.id, retryAt(claimed.attempts), failure.error, failure.maybeDelivered);
        logger.warn({ messageId: claimed.id, error: failure.error }, 'slack post failed; will retry');
        return { status: 'queued', reason: failure.error };
      }
      outbox.markFailed(claimed.id, failure.error);
      logger.warn(
        { messageId: claimed.id, channel: claimed.channelId, error: failure.error },
        'slack post refused',
      );
      return { status: 'failed', failure };
    }
  }

  async function editParent(message: OutboxMessage): Promise<void> {
    const paused = pacing.pausedUntil('chat.update');
    if (paused !== undefined) return outbox.retryMessageAt(message.id, paused, 'ratelimited');
    const rendered = render(message);
    if (!rendered || !message.ts) {
      return outbox.markEdited(
        message.id,
        message.contentVersion,
        message.contentHash ?? '',
        message.lastEditAt ?? 0,
      );
    }
    const hash = hashOf(rendered);
    if (hash === message.contentHash) {
      // The state changed but not what it looks like: no call, and no edit-spacing spent.
      return outbox.markEdited(message.id, message.contentVersion, hash, message.lastEditAt ?? 0);
    }
    try {
      await withCompactFallback(rendered, (update) =>
        client.chat.update({
          channel: message.channelId,
          ts: message.ts ?? '',
          text: update.text,
          blocks: update.blocks,
        }),
      );
      outbox.markEdited(message.id, message.contentVersion, hash, now());
    } catch (error) {
      const failure = classifySlackError(error);
      switch (failure.kind) {
        case 'rate_limited':
          return outbox.retryMessageAt(
            message.id,
            pacing.noteRateLimit('chat.update', failure),
            failure.error,
          );
        case 'transient':
          return outbox.retryMessageAt(message.id, retryAt(message.attempts), failure.error);
        case 'message_gone':
          logger.warn(
            { messageId: message.id, error: failure.error },
            'status message is gone; posting it again',
          );
          return outbox.repost(message.id);
        case 'invalid':
          // A rendering bug must not loop forever; keep the old content and say so loudly.
          logger.error({ messageId: message.id, error: failure.error }, 'slack rejected an edit');
          return outbox.markEdited(message.id, message.contentVersion, hash, now());
        default:
          logger.warn(
            { messageId: message.id, error: failure.error },
            'cannot edit status message; giving up',
          );
          return outbox.markFailed(message.id, failure.error);
      }
    }
  }

  /** The combiner of the reply's group, when its subject batches that group. */
  function combinerFor(parent: OutboxMessage, reply: OutboxReply) {
    const group = reply.payload.group;
    return group ? subjects[parent.subject.type].combineReplies?.[group] : undefined;
  }

  /** The reply itself, or it and the same-group replies queued right after it (one post for a burst). */
  function batchFor(parent: OutboxMessage, reply: OutboxReply): OutboxReply[] {
    if (!combinerFor(parent, reply)) return [reply];
    const batch: OutboxReply[] = [];
    let chars = 0;
    for (const queued of outbox.queuedReplies(reply.messageId, reply.id, MAX_BATCH)) {
      if (queued.payload.group !== reply.payload.group) break;
      chars += (queued.payload.line ?? queued.payload.text).length + 1;
      if (batch.length > 0 && chars > MAX_BATCH_CHARS) break;
      batch.push(queued);
    }
    return batch.length > 0 ? batch : [reply];
  }

  async function postReply(reply: OutboxReply): Promise<void> {
    const paused = pacing.pausedUntil('chat.postMessage');
    if (paused !== undefined) return outbox.requeueReply(reply.id, paused, reply.postingSince !== null);
    const parent = outbox.message(reply.messageId);
    if (!parent?.ts || parent.state !== 'posted') return;
    if (!pacing.reserve(parent.channelId)) {
      return outbox.spaceReplyUntil(reply.id, pacing.spacedUntil(parent.channelId) ?? now());
    }
    const batch = batchFor(parent, reply).filter((item) => outbox.claimReply(item.id, now()));
    if (batch.length === 0) return;
    // One metadata key naming every reply in the post, so crash recovery finds each of them.
    const key = batch.map((item) => `r${item.id}`).join('-');
    const maybePosted = batch.filter((item) => item.postingSince !== null);
    if (maybePosted.length > 0) {
      const since = Math.min(...maybePosted.map((item) => item.postingSince ?? now()));
      const found = await findPostedKeys(client, logger, {
        channel: parent.channelId,
        sinceMs: since,
        threadTs: parent.ts,
      });
      const remaining: OutboxReply[] = [];
      for (const item of batch) {
        const ts = found.get(`r${item.id}`);
        if (ts) outbox.markReplyPosted(item.id, ts);
        else remaining.push(item);
      }
      if (remaining.length === 0) return;
      if (remaining.length !== batch.length) {
        for (const item of remaining) outbox.requeueReply(item.id, now(), false);
        return;
      }
    }
    const first = batch[0] ?? reply;
    const combine = combinerFor(parent, first);
    const payload: ReplyPayload =
      batch.length > 1 && combine
        ? combine(batch.map((item) => item.payload.line ?? item.payload.text))
        : first.payload;
    try {
      const reply = {
        channel: parent.channelId,
        thread_ts: parent.ts,
        text: payload.text,
        reply_broadcast: payload.broadcast === true,
        metadata: outboxMetadata(key),
        unfurl_links: false,
        unfurl_media: false,
      } as const;
      const result = payload.blocks
        ? await client.chat.postMessage({ ...reply, blocks: payload.blocks })
        : await client.chat.postMessage(reply);
      for (const item of batch) outbox.markReplyPosted(item.id, result.ts ?? '');
    } catch (error) {
      const failure = classifySlackError(error);
      pacing.release(parent.channelId);
      const requeue = (at: number, maybe: boolean) => {
        for (const item of batch) outbox.requeueReply(item.id, at, maybe);
      };
      switch (failure.kind) {
        case 'rate_limited':
          return requeue(pacing.noteRateLimit('chat.postMessage', failure), false);
        case 'transient':
          // `attempts` was read before the claim counted this one.
          return requeue(retryAt(first.attempts + 1), failure.maybeDelivered);
        case 'message_gone':
          requeue(now(), false);
          return outbox.repost(parent.id);
        default:
          logger.warn(
            { replyId: first.id, error: failure.error },
            'slack refused a thread reply; dropping it',
          );
          for (const item of batch) outbox.markReplyFailed(item.id);
      }
    }
  }

  return { postParent, editParent, postReply, retryAt };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;

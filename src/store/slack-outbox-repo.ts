import type { KnownBlock } from '@slack/types';
import type { Db } from './database.js';

/**
 * What a parent message is about. Each type has one renderer and its reply batching, listed
 * together in `services/outbox-subjects.ts`; the publisher renders a parent from the current state
 * of its subject whenever it posts or edits it.
 */
export const SUBJECT_TYPES = [
  'import',
  'order',
  'action_notice',
  // A DM about a cancellation whose outcome came later; an order's controls for its orderer.
  'cancellation_notice',
  'order_controls',
  // A `/peeker forward` job message; a DM with a swap's or rename's fix for its requester.
  'forwarding',
  'swap_notice',
  // The digest of what needs a person, one per DIGEST_CRON slot (id: the slot's epoch ms).
  'digest',
] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];
export interface OutboxSubject {
  type: SubjectType;
  id: string;
}

export type OutboxState = 'to_post' | 'posting' | 'posted' | 'failed';

/**
 * A parent message we own (one per import or order). Its content is not stored: it is rendered
 * from the current state whenever it is sent, so an edit always shows the truth. `contentVersion`
 * is bumped whenever that state changes; `sentVersion` is the version Slack last received.
 */
export interface OutboxMessage {
  id: number;
  subject: OutboxSubject;
  channelId: string;
  ts: string | null;
  state: OutboxState;
  contentVersion: number;
  sentVersion: number;
  contentHash: string | null;
  lastEditAt: number | null;
  nextAttemptAt: number;
  attempts: number;
  lastError: string | null;
  /** Set while a post may have reached Slack without us recording it (crash, timeout). */
  postingSince: number | null;
}

/** A thread reply recording one event; rendered when the event happened, posted once. */
export interface OutboxReply {
  id: number;
  messageId: number;
  dedupeKey: string;
  payload: ReplyPayload;
  state: OutboxState;
  ts: string | null;
  nextAttemptAt: number;
  attempts: number;
  postingSince: number | null;
}

export interface ReplyPayload {
  text: string;
  blocks?: KnownBlock[];
  /** Also show the reply in the channel (Slack's `reply_broadcast`), for milestones. */
  broadcast?: boolean;
  /**
   * Replies of one group waiting in the same thread are posted as one message (a burst of
   * `domain.connected` events becomes one "✅ 37 domains connected" reply, not 37 posts).
   */
  group?: string;
  line?: string;
}

interface MessageRow {
  id: number;
  subject_type: SubjectType;
  subject_id: string;
  channel_id: string;
  ts: string | null;
  state: OutboxState;
  content_version: number;
  sent_version: number;
  content_hash: string | null;
  last_edit_at: number | null;
  next_attempt_at: number;
  attempts: number;
  last_error: string | null;
  posting_since: number | null;
}

interface ReplyRow {
  id: number;
  message_id: number;
  dedupe_key: string;
  payload: string;
  state: OutboxState;
  ts: string | null;
  next_attempt_at: number;
  attempts: number;
  posting_since: number | null;
}

const toMessage = (row: MessageRow): OutboxMessage => ({
  id: row.id,
  subject: { type: row.subject_type, id: row.subject_id },
  channelId: row.channel_id,
  ts: row.ts,
  state: row.state,
  contentVersion: row.content_version,
  sentVersion: row.sent_version,
  contentHash: row.content_hash,
  lastEditAt: row.last_edit_at,
  nextAttemptAt: row.next_attempt_at,
  attempts: row.attempts,
  lastError: row.last_error,
  postingSince: row.posting_since,
});

const toReply = (row: ReplyRow): OutboxReply => ({
  id: row.id,
  messageId: row.message_id,
  dedupeKey: row.dedupe_key,
  payload: JSON.parse(row.payload) as ReplyPayload,
  state: row.state,
  ts: row.ts,
  nextAttemptAt: row.next_attempt_at,
  attempts: row.attempts,
  postingSince: row.posting_since,
});

/**
 * The durable queue of everything we owe Slack: parent posts, parent edits and thread replies.
 * Writers (commands, webhooks, the poll loop) only touch SQLite; the publisher drains it and is
 * told through {@link SlackOutboxRepo.onQueued} whenever there is new work.
 *
 * Two ways a message waits, kept apart on purpose:
 * - `retryMessageAt` / `requeuePost` / `requeueReply`: a Slack call failed (or we are rate-limited):
 *   counted as an attempt, with the reason recorded;
 * - `spaceMessageUntil` / `spaceReplyUntil`: pacing only (one post per channel per second), not
 *   an attempt and not an error.
 */
export function createSlackOutboxRepo(db: Db) {
  const listeners = new Set<() => void>();
  const queued = () => {
    for (const listener of listeners) listener();
  };

  const insertMessage = db.prepare<[SubjectType, string, string, number]>(
    `INSERT INTO slack_messages (subject_type, subject_id, channel_id, state, created_at)
     VALUES (?, ?, ?, 'to_post', ?) ON CONFLICT (subject_type, subject_id) DO NOTHING`,
  );
  const selectMessage = db.prepare<[number], MessageRow>('SELECT * FROM slack_messages WHERE id = ?');
  const selectBySubject = db.prepare<[SubjectType, string], MessageRow>(
    'SELECT * FROM slack_messages WHERE subject_type = ? AND subject_id = ?',
  );
  const bumpVersion = db.prepare<[SubjectType, string]>(
    'UPDATE slack_messages SET content_version = content_version + 1 WHERE subject_type = ? AND subject_id = ?',
  );
  // The queries over the queue repeat the WHERE of the partial indexes `slack_messages_work` and
  // `slack_replies_work` (implied by the rest, so nothing changes but the plan): they then read
  // only the rows with work left, not every message ever posted, which would grow with history.
  const MESSAGES_WITH_WORK = `(state IN ('to_post', 'posting') OR (state = 'posted' AND content_version > sent_version))`;
  const selectDueMessages = db.prepare<{ now: number; spacing: number; limit: number }, MessageRow>(
    `SELECT * FROM slack_messages
     WHERE ${MESSAGES_WITH_WORK} AND next_attempt_at <= @now
       AND (state = 'to_post'
            OR (state = 'posted' AND content_version > sent_version AND COALESCE(last_edit_at, 0) + @spacing <= @now))
     ORDER BY next_attempt_at, id LIMIT @limit`,
  );
  const claimPost = db.prepare<[number, number]>(
    `UPDATE slack_messages SET state = 'posting', posting_since = COALESCE(posting_since, ?), attempts = attempts + 1
     WHERE id = ? AND state = 'to_post'`,
  );
  const markPosted = db.prepare<[string, number, string, number, number]>(
    `UPDATE slack_messages SET state = 'posted', ts = ?, sent_version = ?, content_hash = ?, last_edit_at = ?,
       posting_since = NULL, last_error = NULL, attempts = 0, next_attempt_at = 0 WHERE id = ?`,
  );
  const requeuePost = db.prepare<[number, string, number, number]>(
    `UPDATE slack_messages SET state = 'to_post', next_attempt_at = ?, last_error = ?,
       posting_since = CASE WHEN ? = 1 THEN posting_since ELSE NULL END WHERE id = ?`,
  );
  const markEdited = db.prepare<[number, string, number, number]>(
    `UPDATE slack_messages SET sent_version = MAX(sent_version, ?), content_hash = ?, last_edit_at = ?,
       last_error = NULL, attempts = 0, next_attempt_at = 0 WHERE id = ?`,
  );
  const retryMessageAt = db.prepare<[number, string, number]>(
    'UPDATE slack_messages SET next_attempt_at = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?',
  );
  const markFailed = db.prepare<[string, number]>(
    "UPDATE slack_messages SET state = 'failed', last_error = ?, posting_since = NULL WHERE id = ?",
  );
  const repostMessage = db.prepare<[number]>(
    `UPDATE slack_messages SET state = 'to_post', ts = NULL, sent_version = 0, content_hash = NULL,
       posting_since = NULL, next_attempt_at = 0, attempts = 0, last_error = NULL WHERE id = ?`,
  );
  const moveMessage = db.prepare<[string, number]>(
    `UPDATE slack_messages SET channel_id = ?, state = 'to_post', ts = NULL, sent_version = 0, content_hash = NULL,
       posting_since = NULL, next_attempt_at = 0, attempts = 0, last_error = NULL WHERE id = ?`,
  );
  const recoverPosting = db.prepare("UPDATE slack_messages SET state = 'to_post' WHERE state = 'posting'");

  const insertReply = db.prepare<[string, string, number, SubjectType, string]>(
    `INSERT INTO slack_replies (message_id, dedupe_key, payload, state, created_at)
     SELECT id, ?, ?, 'to_post', ? FROM slack_messages WHERE subject_type = ? AND subject_id = ?
     ON CONFLICT (dedupe_key) DO NOTHING`,
  );
  const selectQueuedReplies = db.prepare<[number, number, number], ReplyRow>(
    "SELECT * FROM slack_replies WHERE message_id = ? AND id >= ? AND state = 'to_post' ORDER BY id LIMIT ?",
  );
  // Replies in one thread go out strictly in order: only the oldest unsent reply of each posted parent.
  const selectDueReplies = db.prepare<[number, number], ReplyRow>(
    `SELECT r.* FROM slack_replies r INDEXED BY slack_replies_work JOIN slack_messages m ON m.id = r.message_id
     WHERE r.state IN ('to_post', 'posting') AND m.state = 'posted' AND r.state = 'to_post' AND r.next_attempt_at <= ?
       AND r.id = (SELECT MIN(id) FROM slack_replies WHERE message_id = r.message_id AND state IN ('to_post', 'posting'))
     ORDER BY r.id LIMIT ?`,
  );
  const claimReply = db.prepare<[number, number]>(
    `UPDATE slack_replies SET state = 'posting', posting_since = COALESCE(posting_since, ?), attempts = attempts + 1
     WHERE id = ? AND state = 'to_post'`,
  );
  const markReplyPosted = db.prepare<[string, number]>(
    "UPDATE slack_replies SET state = 'posted', ts = ?, posting_since = NULL WHERE id = ?",
  );
  const releaseReply = db.prepare<[string, number, number, number]>(
    `UPDATE slack_replies SET state = ?, next_attempt_at = ?,
       posting_since = CASE WHEN ? = 1 THEN posting_since ELSE NULL END WHERE id = ?`,
  );
  const selectReplies = db.prepare<[number], ReplyRow>(
    'SELECT * FROM slack_replies WHERE message_id = ? ORDER BY id',
  );
  const spaceReply = db.prepare<[number, number]>(
    'UPDATE slack_replies SET next_attempt_at = ? WHERE id = ?',
  );
  const spaceMessage = db.prepare<[number, number]>(
    'UPDATE slack_messages SET next_attempt_at = ? WHERE id = ?',
  );
  const recoverReplies = db.prepare("UPDATE slack_replies SET state = 'to_post' WHERE state = 'posting'");
  const countQueue = db.prepare<[], { n: number }>(
    `SELECT (SELECT COUNT(*) FROM slack_messages
             WHERE state IN ('to_post', 'posting') OR (state = 'posted' AND content_version > sent_version))
          + (SELECT COUNT(*) FROM slack_replies WHERE state IN ('to_post', 'posting')) AS n`,
  );
  const selectNextDue = db.prepare<[number], { at: number | null }>(
    `SELECT MIN(at) AS at FROM (
       SELECT MAX(next_attempt_at, CASE WHEN state = 'posted' THEN COALESCE(last_edit_at, 0) + ? ELSE 0 END) AS at
         FROM slack_messages
        WHERE ${MESSAGES_WITH_WORK} AND (state = 'to_post' OR (state = 'posted' AND content_version > sent_version))
       UNION ALL
       SELECT r.next_attempt_at FROM slack_replies r JOIN slack_messages m ON m.id = r.message_id
        WHERE r.state IN ('to_post', 'posting') AND r.state = 'to_post' AND m.state = 'posted')`,
  );

  return {
    /**
     * Calls `listener` whenever work is queued (a new parent, a stale parent, a reply). Called
     * inside the writer's transaction; the publisher only wakes up, so it reads after the commit.
     */
    onQueued(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Creates the parent message of a subject (queued for posting) unless it exists. */
    ensureMessage(subject: OutboxSubject, channelId: string, now: number): OutboxMessage {
      if (insertMessage.run(subject.type, subject.id, channelId, now).changes === 1) queued();
      const row = selectBySubject.get(subject.type, subject.id);
      if (!row) throw new Error('outbox message vanished after insert');
      return toMessage(row);
    },
    message(id: number): OutboxMessage | undefined {
      const row = selectMessage.get(id);
      return row ? toMessage(row) : undefined;
    },
    messageFor(subject: OutboxSubject): OutboxMessage | undefined {
      const row = selectBySubject.get(subject.type, subject.id);
      return row ? toMessage(row) : undefined;
    },
    /** The subject's state changed: its parent message must be rendered again and edited. */
    markStale(subject: OutboxSubject): void {
      if (bumpVersion.run(subject.type, subject.id).changes > 0) queued();
    },
    /**
     * Queues a reply in the subject's thread; false when the subject has no parent message, or a
     * reply with the same key exists (events are recorded once).
     */
    queueReply(subject: OutboxSubject, dedupeKey: string, payload: ReplyPayload, now: number): boolean {
      const added =
        insertReply.run(dedupeKey, JSON.stringify(payload), now, subject.type, subject.id).changes === 1;
      if (added) queued();
      return added;
    },
    /** Parents to post, and posted parents whose content changed and whose last edit is `editSpacingMs` old. */
    dueMessages(now: number, editSpacingMs: number, limit: number): OutboxMessage[] {
      return selectDueMessages.all({ now, spacing: editSpacingMs, limit }).map(toMessage);
    },
    /** Marks a parent as being posted; false when someone else is posting it. */
    claimPost(id: number, now: number): boolean {
      return claimPost.run(now, id).changes === 1;
    },
    markPosted(id: number, ts: string, version: number, hash: string, now: number): void {
      markPosted.run(ts, version, hash, now, id);
    },
    /**
     * The post did not land (or we cannot tell): back to the queue. `maybePosted` keeps the
     * posting mark, so the next attempt first looks for the message in the channel.
     */
    requeuePost(id: number, retryAt: number, error: string, maybePosted: boolean): void {
      requeuePost.run(retryAt, error, maybePosted ? 1 : 0, id);
    },
    markEdited(id: number, version: number, hash: string, now: number): void {
      markEdited.run(version, hash, now, id);
    },
    /** A call about this parent failed or is rate-limited: try again at `retryAt` (counts an attempt). */
    retryMessageAt(id: number, retryAt: number, error: string): void {
      retryMessageAt.run(retryAt, error, id);
    },
    /** Pacing only: not before `at`; nothing else changes. */
    spaceMessageUntil(id: number, at: number): void {
      spaceMessage.run(at, id);
    },
    /** Slack refused the parent for good (bot not in the channel…): stop trying. */
    markFailed(id: number, error: string): void {
      markFailed.run(error, id);
    },
    /** The parent was deleted in Slack: post it again (its replies follow into the new thread). */
    repost(id: number): void {
      repostMessage.run(id);
      queued();
    },
    /** Post the parent into another channel (after a failed post the person picked a new one). */
    moveTo(id: number, channelId: string): void {
      moveMessage.run(channelId, id);
      queued();
    },
    dueReplies(now: number, limit: number): OutboxReply[] {
      return selectDueReplies.all(now, limit).map(toReply);
    },
    repliesOf(messageId: number): OutboxReply[] {
      return selectReplies.all(messageId).map(toReply);
    },
    /** Unsent replies of a thread from `fromId` on, oldest first (for batching a group). */
    queuedReplies(messageId: number, fromId: number, limit: number): OutboxReply[] {
      return selectQueuedReplies.all(messageId, fromId, limit).map(toReply);
    },
    claimReply(id: number, now: number): boolean {
      return claimReply.run(now, id).changes === 1;
    },
    markReplyPosted(id: number, ts: string): void {
      markReplyPosted.run(ts, id);
    },
    /** The reply did not land (or we cannot tell): back to the queue, like {@link requeuePost}. */
    requeueReply(id: number, retryAt: number, maybePosted: boolean): void {
      releaseReply.run('to_post', retryAt, maybePosted ? 1 : 0, id);
    },
    /** Pacing only (Slack's one post per second per channel): not before `at`. */
    spaceReplyUntil(id: number, at: number): void {
      spaceReply.run(at, id);
    },
    /** Slack refused the reply for good: drop it. */
    markReplyFailed(id: number): void {
      releaseReply.run('failed', 0, 0, id);
    },
    /** After a crash: whatever was being posted goes back to the queue, still marked as maybe posted. */
    recoverInFlight(): void {
      recoverPosting.run();
      recoverReplies.run();
    },
    queueDepth(): number {
      return countQueue.get()?.n ?? 0;
    },
    /** When the next piece of work becomes due (undefined when the queue is empty). */
    nextDueAt(editSpacingMs: number): number | undefined {
      return selectNextDue.get(editSpacingMs)?.at ?? undefined;
    },
  };
}

export type SlackOutboxRepo = ReturnType<typeof createSlackOutboxRepo>;

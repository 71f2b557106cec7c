import type { Db } from './database.js';

export type OutboxState = 'to_post' | 'posting' | 'posted' | 'failed';

/**
 * A parent message we own (one per import or order). Its content is not stored: it is rendered
 * from the current state whenever it is sent, so an edit always shows the truth. `contentVersion`
 * is bumped whenever that state changes; `sentVersion` is the version Slack last received.
 */
export interface OutboxMessage {
  id: number;
  subjectType: string;
  subjectId: string;
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
  blocks?: unknown[];
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
  subject_type: string;
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
  subjectType: row.subject_type,
  subjectId: row.subject_id,
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
 * Writers (commands, webhooks, the poll loop) only touch SQLite; the publisher drains it.
 */
export function createSlackOutboxRepo(db: Db) {
  const insertMessage = db.prepare<[string, string, string, number]>(
    `INSERT INTO slack_messages (subject_type, subject_id, channel_id, state, created_at)
     VALUES (?, ?, ?, 'to_post', ?) ON CONFLICT (subject_type, subject_id) DO NOTHING`,
  );
  const selectMessage = db.prepare<[number], MessageRow>('SELECT * FROM slack_messages WHERE id = ?');
  const selectBySubject = db.prepare<[string, string], MessageRow>(
    'SELECT * FROM slack_messages WHERE subject_type = ? AND subject_id = ?',
  );
  const bumpVersion = db.prepare<[string, string]>(
    'UPDATE slack_messages SET content_version = content_version + 1 WHERE subject_type = ? AND subject_id = ?',
  );
  const selectDueMessages = db.prepare<{ now: number; spacing: number; limit: number }, MessageRow>(
    `SELECT * FROM slack_messages
     WHERE next_attempt_at <= @now
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
  const releasePost = db.prepare<[string, number, string, number, number]>(
    `UPDATE slack_messages SET state = ?, next_attempt_at = ?, last_error = ?,
       posting_since = CASE WHEN ? = 1 THEN posting_since ELSE NULL END WHERE id = ?`,
  );
  const markEdited = db.prepare<[number, string, number, number]>(
    `UPDATE slack_messages SET sent_version = MAX(sent_version, ?), content_hash = ?, last_edit_at = ?,
       last_error = NULL, attempts = 0, next_attempt_at = 0 WHERE id = ?`,
  );
  const deferMessage = db.prepare<[number, string, number]>(
    'UPDATE slack_messages SET next_attempt_at = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?',
  );
  const giveUpMessage = db.prepare<[string, number]>(
    "UPDATE slack_messages SET state = 'failed', last_error = ?, posting_since = NULL WHERE id = ?",
  );
  const repostMessage = db.prepare<[number]>(
    `UPDATE slack_messages SET state = 'to_post', ts = NULL, sent_version = 0, content_hash = NULL,
       posting_since = NULL, next_attempt_at = 0 WHERE id = ?`,
  );
  const moveMessage = db.prepare<[string, number]>(
    `UPDATE slack_messages SET channel_id = ?, state = 'to_post', ts = NULL, sent_version = 0, content_hash = NULL,
       posting_since = NULL, next_attempt_at = 0, attempts = 0, last_error = NULL WHERE id = ?`,
  );
  const recoverPosting = db.prepare("UPDATE slack_messages SET state = 'to_post' WHERE state = 'posting'");

  const insertReply = db.prepare<[number, string, string, number]>(
    `INSERT INTO slack_replies (message_id, dedupe_key, payload, state, created_at)
     VALUES (?, ?, ?, 'to_post', ?) ON CONFLICT (dedupe_key) DO NOTHING`,
  );
  const selectQueuedReplies = db.prepare<[number, number, number], ReplyRow>(
    "SELECT * FROM slack_replies WHERE message_id = ? AND id >= ? AND state = 'to_post' ORDER BY id LIMIT ?",
  );
  // Replies in one thread go out strictly in order: only the oldest unsent reply of each posted parent.
  const selectDueReplies = db.prepare<[number, number], ReplyRow>(
    `SELECT r.* FROM slack_replies r JOIN slack_messages m ON m.id = r.message_id
     WHERE m.state = 'posted' AND r.state = 'to_post' AND r.next_attempt_at <= ?
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
  const postponeReplyStmt = db.prepare<[number, number]>(
    'UPDATE slack_replies SET next_attempt_at = ? WHERE id = ?',
  );
  const postponeMessageStmt = db.prepare<[number, number]>(
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
        WHERE state = 'to_post' OR (state = 'posted' AND content_version > sent_version)
       UNION ALL
       SELECT r.next_attempt_at FROM slack_replies r JOIN slack_messages m ON m.id = r.message_id
        WHERE r.state = 'to_post' AND m.state = 'posted')`,
  );

  return {
    /** Creates the parent message of a subject (queued for posting) unless it exists. */
    ensureMessage(subjectType: string, subjectId: string, channelId: string, now: number): OutboxMessage {
      insertMessage.run(subjectType, subjectId, channelId, now);
      const row = selectBySubject.get(subjectType, subjectId);
      if (!row) throw new Error('outbox message vanished after insert');
      return toMessage(row);
    },
    message(id: number): OutboxMessage | undefined {
      const row = selectMessage.get(id);
      return row ? toMessage(row) : undefined;
    },
    messageFor(subjectType: string, subjectId: string): OutboxMessage | undefined {
      const row = selectBySubject.get(subjectType, subjectId);
      return row ? toMessage(row) : undefined;
    },
    /** The subject's state changed: its parent message must be re-rendered and edited. */
    touch(subjectType: string, subjectId: string): void {
      bumpVersion.run(subjectType, subjectId);
    },
    /** Queues a thread reply; a second reply with the same key is dropped (events are recorded once). */
    enqueueReply(messageId: number, dedupeKey: string, payload: ReplyPayload, now: number): boolean {
      return insertReply.run(messageId, dedupeKey, JSON.stringify(payload), now).changes === 1;
    },
    /** Parents to post, and posted parents whose content changed and whose last edit is `editSpacingMs` old. */
    dueMessages(now: number, editSpacingMs: number, limit: number): OutboxMessage[] {
      return selectDueMessages.all({ now, spacing: editSpacingMs, limit }).map(toMessage);
    },
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
    releasePost(id: number, retryAt: number, error: string, maybePosted: boolean): void {
      releasePost.run('to_post', retryAt, error, maybePosted ? 1 : 0, id);
    },
    markEdited(id: number, version: number, hash: string, now: number): void {
      markEdited.run(version, hash, now, id);
    },
    deferMessage(id: number, retryAt: number, error: string): void {
      deferMessage.run(retryAt, error, id);
    },
    giveUp(id: number, error: string): void {
      giveUpMessage.run(error, id);
    },
    /** The parent was deleted in Slack: post it again (its replies follow into the new thread). */
    repost(id: number): void {
      repostMessage.run(id);
    },
    /** Post the parent into another channel (after a failed post the person picked a new one). */
    moveTo(id: number, channelId: string): void {
      moveMessage.run(channelId, id);
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
    releaseReply(id: number, retryAt: number, maybePosted: boolean): void {
      releaseReply.run('to_post', retryAt, maybePosted ? 1 : 0, id);
    },
    /** Not yet (Slack's one-post-per-second per channel): try again at `at`, nothing else changes. */
    postponeReply(id: number, at: number): void {
      postponeReplyStmt.run(at, id);
    },
    postponeMessage(id: number, at: number): void {
      postponeMessageStmt.run(at, id);
    },
    giveUpReply(id: number): void {
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

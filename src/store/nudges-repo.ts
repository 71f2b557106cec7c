import type { Db } from './database.js';
import type { NameserverGroup } from './imports-repo.js';

/** An import waiting on the registrar whose next reminder is due. */
export interface DueNudge {
  importId: string;
  channelId: string;
  nameserverGroups: NameserverGroup[];
  /** Reminders already sent (0 for the first). */
  sent: number;
  /** When the customer got the nameservers (the reminders count from there). */
  waitingSince: number;
}

interface DueRow {
  id: string;
  channel_id: string;
  nameserver_groups: string;
  sent: number;
  waiting_since: number;
}

/** Imports whose instructions ask the customer to change nameservers (the customer's move). */
const WAITING = "imports.phase IN ('awaiting_dns', 'waiting_on_registrar')";

/**
 * Reminders to customers who have not changed their nameservers: the per-channel switch
 * (`/peeker nudges off|on`) and each import's count of reminders sent.
 */
export function createNudgesRepo(db: Db) {
  const upsertChannel = db.prepare<[string, number, string, number]>(
    `INSERT INTO channel_follow_up (channel_id, nudges, changed_by, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (channel_id) DO UPDATE SET nudges = excluded.nudges, changed_by = excluded.changed_by,
       updated_at = excluded.updated_at`,
  );
  const selectChannel = db.prepare<[string], { nudges: number }>(
    'SELECT nudges FROM channel_follow_up WHERE channel_id = ?',
  );
  // Only imports whose instructions were posted (a reminder is a reply in their thread), whose
  // channel has not turned reminders off, with fewer than `max` sent and the next one due.
  const selectDue = db.prepare<{ now: number; after: number; max: number; limit: number }, DueRow>(
    `SELECT imports.id, imports.channel_id, imports.nameserver_groups,
       COALESCE(import_nudges.sent, 0) AS sent,
       COALESCE(imports.nameservers_at, imports.submitted_at) AS waiting_since
     FROM imports
     JOIN slack_messages m ON m.subject_type = 'import' AND m.subject_id = imports.id AND m.state = 'posted'
     LEFT JOIN import_nudges ON import_nudges.import_id = imports.id
     LEFT JOIN channel_follow_up c ON c.channel_id = imports.channel_id
     WHERE ${WAITING} AND imports.nameserver_groups <> '[]'
       AND COALESCE(import_nudges.sent, 0) < @max
       AND COALESCE(import_nudges.last_sent_at, imports.nameservers_at, imports.submitted_at) + @after <= @now
       AND COALESCE(import_nudges.snoozed_until, 0) <= @now
       AND COALESCE(c.nudges, 1) = 1
     ORDER BY COALESCE(import_nudges.last_sent_at, imports.nameservers_at, imports.submitted_at), imports.id
     LIMIT @limit`,
  );
  const upsertNudge = db.prepare<[string, number, number]>(
    `INSERT INTO import_nudges (import_id, sent, last_sent_at) VALUES (?, ?, ?)
     ON CONFLICT (import_id) DO UPDATE SET sent = excluded.sent, last_sent_at = excluded.last_sent_at,
       snoozed_until = NULL`,
  );
  const upsertSnooze = db.prepare<[string, number]>(
    `INSERT INTO import_nudges (import_id, snoozed_until) VALUES (?, ?)
     ON CONFLICT (import_id) DO UPDATE SET snoozed_until = excluded.snoozed_until`,
  );
  const selectSent = db.prepare<[string], { sent: number }>(
    'SELECT sent FROM import_nudges WHERE import_id = ?',
  );

  return {
    /** `/peeker nudges off|on` in a channel. */
    setChannelNudges(channelId: string, enabled: boolean, userId: string, now: number): void {
      upsertChannel.run(channelId, enabled ? 1 : 0, userId, now);
    },

    /** Whether reminders are on in a channel (they are unless someone turned them off). */
    nudgesEnabled(channelId: string): boolean {
      return (selectChannel.get(channelId)?.nudges ?? 1) === 1;
    },

    /**
     * Imports waiting on the registrar whose next reminder is due at `now`: the first
     * `afterMs` after the nameservers were handed over, each next one `afterMs` after the previous;
     * at most `max` in all. Most overdue first.
     */
    due(now: number, afterMs: number, max: number, limit: number): DueNudge[] {
      return selectDue.all({ now, after: afterMs, max, limit }).map((row) => ({
        importId: row.id,
        channelId: row.channel_id,
        nameserverGroups: JSON.parse(row.nameserver_groups) as NameserverGroup[],
        sent: row.sent,
        waitingSince: row.waiting_since,
      }));
    },

    /** Records reminder number `number` (call in the transaction that queues it). */
    recordSent(importId: string, number: number, now: number): void {
      upsertNudge.run(importId, number, now);
    },

    /**
     * Nothing to remind the customer of right now (every domain already points at Peeker, which
     * has not confirmed yet): look again at `until`, without counting a reminder.
     */
    snooze(importId: string, until: number): void {
      upsertSnooze.run(importId, until);
    },

    /** How many reminders an import has had. */
    sentFor(importId: string): number {
      return selectSent.get(importId)?.sent ?? 0;
    },
  };
}

export type NudgesRepo = ReturnType<typeof createNudgesRepo>;

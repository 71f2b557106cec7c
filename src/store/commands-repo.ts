import type { Db } from './database.js';

/**
 * A slash command stored before it is acknowledged, so that work Slack was told we accepted is
 * finished even if the process dies right after the ack (it is resumed on start-up).
 */
export interface CommandRecord<Args = unknown> {
  id: number;
  dedupeKey: string;
  kind: string;
  userId: string;
  teamId: string | null;
  originChannelId: string;
  responseUrl: string | null;
  args: Args;
  status: 'pending' | 'done';
  attempts: number;
  outcome: string | null;
  createdAt: number;
}

interface CommandRow {
  id: number;
  dedupe_key: string;
  kind: string;
  user_id: string;
  team_id: string | null;
  origin_channel_id: string;
  response_url: string | null;
  args: string;
  status: 'pending' | 'done';
  attempts: number;
  outcome: string | null;
  created_at: number;
}

const toRecord = (row: CommandRow): CommandRecord => ({
  id: row.id,
  dedupeKey: row.dedupe_key,
  kind: row.kind,
  userId: row.user_id,
  teamId: row.team_id,
  originChannelId: row.origin_channel_id,
  responseUrl: row.response_url,
  args: JSON.parse(row.args) as unknown,
  status: row.status,
  attempts: row.attempts,
  outcome: row.outcome,
  createdAt: row.created_at,
});

export interface NewCommand {
  dedupeKey: string;
  kind: string;
  userId: string;
  teamId: string | null;
  originChannelId: string;
  responseUrl: string | null;
  args: unknown;
  now: number;
}

export function createCommandsRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO commands (dedupe_key, kind, user_id, team_id, origin_channel_id, response_url, args, created_at, updated_at)
     VALUES (@dedupeKey, @kind, @userId, @teamId, @originChannelId, @responseUrl, @args, @now, @now)
     ON CONFLICT (dedupe_key) DO NOTHING`,
  );
  const selectByKey = db.prepare<[string], CommandRow>('SELECT * FROM commands WHERE dedupe_key = ?');
  const selectById = db.prepare<[number], CommandRow>('SELECT * FROM commands WHERE id = ?');
  const selectPending = db.prepare<[], CommandRow>(
    "SELECT * FROM commands WHERE status = 'pending' ORDER BY id",
  );
  const finish = db.prepare<[string, number, number]>(
    "UPDATE commands SET status = 'done', outcome = ?, updated_at = ? WHERE id = ?",
  );
  const prune = db.prepare<[number, number]>(
    `DELETE FROM commands WHERE id IN (
       SELECT id FROM commands WHERE status = 'done' AND updated_at < ?
         AND id NOT IN (SELECT command_id FROM imports WHERE command_id IS NOT NULL)
       LIMIT ?)`,
  );
  const bumpAttempts = db.prepare<[number, number]>(
    'UPDATE commands SET attempts = attempts + 1, updated_at = ? WHERE id = ?',
  );

  return {
    /** Stores the command unless one with the same key (Slack's trigger ID) already exists. */
    record(command: NewCommand): { command: CommandRecord; isNew: boolean } {
      const result = insert.run({ ...command, args: JSON.stringify(command.args) });
      const row = selectByKey.get(command.dedupeKey);
      if (!row) throw new Error('command row vanished after insert');
      return { command: toRecord(row), isNew: result.changes === 1 };
    },
    get(id: number): CommandRecord | undefined {
      const row = selectById.get(id);
      return row ? toRecord(row) : undefined;
    },
    pending(): CommandRecord[] {
      return selectPending.all().map(toRecord);
    },
    /** Counts a (re)start of the work, so a resumed command knows an earlier attempt may have acted. */
    startAttempt(id: number, now: number): void {
      bumpAttempts.run(now, id);
    },
    /** Forgets finished commands older than `before` (those that started an import are kept). */
    prune(before: number, limit = 5_000): number {
      return prune.run(before, limit).changes;
    },
    finish(id: number, outcome: string, now: number): void {
      finish.run(outcome, now, id);
    },
  };
}

export type CommandsRepo = ReturnType<typeof createCommandsRepo>;

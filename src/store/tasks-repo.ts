import type { Db } from './database.js';

/**
 * Follow-up calls to Peeker that an event asks for (e.g. `order.action_required` → fetch the
 * pending actions). Queued in the same transaction as the event, so a crash cannot lose them;
 * run by the task worker with retries.
 */
export interface Task {
  id: number;
  kind: string;
  subjectId: string;
  attempts: number;
}

export function createTasksRepo(db: Db) {
  const listeners = new Set<() => void>();
  const insert = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO tasks (kind, subject_id, dedupe_key, due_at, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (dedupe_key) DO NOTHING`,
  );
  const selectDue = db.prepare<
    [number, number],
    { id: number; kind: string; subject_id: string; attempts: number }
  >(
    "SELECT id, kind, subject_id, attempts FROM tasks WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
  );
  const finish = db.prepare<[string, string | null, number]>(
    'UPDATE tasks SET status = ?, last_error = ? WHERE id = ?',
  );
  const retry = db.prepare<[number, string, number]>(
    'UPDATE tasks SET attempts = attempts + 1, due_at = ?, last_error = ? WHERE id = ?',
  );
  const prune = db.prepare<[number, number]>(
    "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE status != 'pending' AND created_at < ? LIMIT ?)",
  );
  const countPending = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM tasks WHERE status = 'pending'",
  );

  return {
    /** Calls `listener` whenever a task is queued (the task runner wakes up; it reads after the commit). */
    onQueued(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Queues a task unless one with the same key exists (an event delivered twice queues it once). */
    enqueue(kind: string, subjectId: string, dedupeKey: string, dueAt: number, now: number): boolean {
      const added = insert.run(kind, subjectId, dedupeKey, dueAt, now).changes === 1;
      if (added) for (const listener of listeners) listener();
      return added;
    },
    due(now: number, limit: number): Task[] {
      return selectDue
        .all(now, limit)
        .map((row) => ({ id: row.id, kind: row.kind, subjectId: row.subject_id, attempts: row.attempts }));
    },
    done(id: number): void {
      finish.run('done', null, id);
    },
    failed(id: number, error: string): void {
      finish.run('failed', error, id);
    },
    retryAt(id: number, dueAt: number, error: string): void {
      retry.run(dueAt, error, id);
    },
    prune(before: number, limit = 5_000): number {
      return prune.run(before, limit).changes;
    },
    pendingCount(): number {
      return countPending.get()?.n ?? 0;
    },
  };
}

export type TasksRepo = ReturnType<typeof createTasksRepo>;

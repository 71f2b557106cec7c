import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.js';

/** An open better-sqlite3 connection. All access is synchronous and in-process. */
export type Db = Database.Database;

/**
 * Opens (creating if needed) the SQLite file and brings its schema up to date.
 *
 * WAL lets `/healthz` and readers run while a writer commits. `synchronous = NORMAL` (in WAL mode)
 * makes every committed transaction survive the process being killed — the contract we test with
 * SIGKILL — without an fsync per commit: better-sqlite3 is synchronous, so an fsync would block the
 * event loop for milliseconds on every webhook and command (benchmarked: it made `/peeker import`
 * acks 1.6× a bare Bolt app). An OS crash or power cut can still roll back the last commits; the
 * WAL is synced at each checkpoint.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/**
 * Applies every migration newer than `PRAGMA user_version`, each in its own transaction that
 * also bumps `user_version`, so a crash mid-migration leaves the previous version intact.
 */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `Database schema version ${current} is newer than this build knows (${latest}); refusing to run an older build against it.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

/** True when the database answers a trivial query (used by `/healthz`). */
export function isDatabaseHealthy(db: Db): boolean {
  try {
    return db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}

import type { Db } from './database.js';

/**
 * SQLite result codes that mean "the database cannot take writes right now" — the disk is full
 * (or `max_page_count` reached), the file is read-only, or the OS failed a write — as opposed to
 * a bug in a statement. https://www.sqlite.org/rescode.html
 */
const UNAVAILABLE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|NOMEM|BUSY|LOCKED)/;

/** True for an error that says storage is unavailable (retry later), not that our SQL is wrong. */
export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE.test(code);
}

/** The SQLite code of a storage failure, for logs and `/healthz`. */
export function storageFailureCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

/** Room a probe must be able to allocate: a few pages, so a full database fails it. */
const PROBE_BYTES = 16 * 1024;

/**
 * Whether the database takes writes, for `/healthz` and for the background loops (which pause
 * rather than call Slack or Peeker with nowhere to record the answer). A write that failed for a
 * storage reason marks it unavailable; from then on a probe decides when it is back — it commits
 * one tiny row (a read-only file or a failing disk refuses that) and allocates a few pages inside
 * a rolled-back transaction (a full database refuses that).
 */
export function createStorageHealth(db: Db, now: () => number = Date.now) {
  const touch = db.prepare<[number]>(
    'INSERT INTO storage_probe (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',
  );
  const allocate = db.prepare<[number]>('INSERT INTO storage_probe_space (filler) VALUES (zeroblob(?))');
  const rollback = new Error('probe rollback');
  let failure: { code: string; since: number } | undefined;

  function probe(): string | undefined {
    try {
      touch.run(now());
      db.transaction(() => {
        allocate.run(PROBE_BYTES);
        throw rollback;
      })();
    } catch (error) {
      if (error === rollback) return undefined;
      return storageFailureCode(error);
    }
    return undefined;
  }

  return {
    /** Records a failed write; true when it was a storage failure (the caller answers "later"). */
    noteFailure(error: unknown): boolean {
      if (!isStorageFailure(error)) return false;
      failure ??= { code: storageFailureCode(error), since: now() };
      return true;
    },
    /**
     * Whether writes work. Cheap while nothing failed; after a failure each call probes, so the
     * app notices by itself when space is back.
     */
    check(): { writable: true } | { writable: false; code: string; sinceMs: number } {
      if (!failure) return { writable: true };
      const code = probe();
      if (code === undefined) {
        failure = undefined;
        return { writable: true };
      }
      return { writable: false, code, sinceMs: now() - failure.since };
    },
    /** Like `check`, always probing (the health endpoint: a failure nobody has hit yet shows too). */
    probeNow(): { writable: true } | { writable: false; code: string; sinceMs: number } {
      const code = probe();
      if (code === undefined) {
        failure = undefined;
        return { writable: true };
      }
      failure ??= { code, since: now() };
      return { writable: false, code, sinceMs: now() - failure.since };
    },
  };
}

export type StorageHealth = ReturnType<typeof createStorageHealth>;

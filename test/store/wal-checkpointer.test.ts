import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { openDatabase } from '../../src/store/database.js';
import { createWalCheckpointer } from '../../src/store/wal-checkpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const logger = createLogger({ level: 'error', scrubber: new SecretScrubber([]), write: () => undefined });

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createWalCheckpointer', () => {
  it('checkpoints from a worker thread: the app connection no longer checkpoints in its commits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peeker-wal-'));
    dirs.push(dir);
    const path = join(dir, 'db.sqlite');
    const db = openDatabase(path);
    const checkpointer = createWalCheckpointer({ db, path, logger });
    checkpointer.start();
    await waitFor(() => db.pragma('wal_autocheckpoint', { simple: true }) === 0);

    const before = statSync(path).size;
    const insert = db.prepare(
      "INSERT INTO tasks (kind, subject_id, dedupe_key, due_at, created_at) VALUES ('k', 's', ?, 0, 0)",
    );
    for (let i = 0; i < 2_000; i += 1) insert.run(`key-${i}`);
    // Only a checkpoint copies pages into the database file, and this connection makes none.
    await waitFor(() => statSync(path).size > before);

    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM tasks').get()).toEqual({ n: 2_000 });
    db.close();
  });

  it('leaves an in-memory database to SQLite: no worker, automatic checkpoints stay on', async () => {
    const db = openDatabase(':memory:');
    const checkpointer = createWalCheckpointer({ db, path: ':memory:', logger });
    checkpointer.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.stop();
    db.close();
  });

  it('idles once every frame is copied, rather than checkpointing every few milliseconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peeker-wal-'));
    dirs.push(dir);
    const path = join(dir, 'db.sqlite');
    const db = openDatabase(path);
    const checkpointer = createWalCheckpointer({
      db,
      path,
      logger,
      intervalMs: 20,
      busyIntervalMs: 1,
      restartAfterFrames: 10,
    });
    checkpointer.start();
    await waitFor(() => db.pragma('wal_autocheckpoint', { simple: true }) === 0);
    const insert = db.prepare(
      "INSERT INTO tasks (kind, subject_id, dedupe_key, due_at, created_at) VALUES ('k', 's', ?, 0, 0)",
    );
    for (let i = 0; i < 200; i += 1) insert.run(`key-${i}`);
    // Let the worker copy the frames, then count the app connection's own checkpoints (each one
    // follows a "long WAL" report): with the WAL fully copied there must be none.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const checkpoints = vi.spyOn(db, 'pragma');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const fromApp = checkpoints.mock.calls.filter(([sql]) => String(sql).startsWith('wal_checkpoint'));
    checkpoints.mockRestore();
    expect(fromApp).toEqual([]);
    await checkpointer.stop();
    db.close();
  });

  it('hands checkpoints back to SQLite when only its own writes keep failing', async (context) => {
    const dir = mkdtempSync(join(tmpdir(), 'peeker-wal-'));
    dirs.push(dir);
    const path = join(dir, 'db.sqlite');
    const chattr = (flag: '+i' | '-i') => execFileSync('chattr', [flag, path], { stdio: 'ignore' });
    try {
      execFileSync(
        'sh',
        ['-c', `touch '${dir}/probe' && chattr +i '${dir}/probe' && chattr -i '${dir}/probe'`],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      context.skip('chattr +i is not available here (needs root on a filesystem with the immutable flag)');
    }
    const lines: string[] = [];
    const watched = createLogger({
      level: 'warn',
      scrubber: new SecretScrubber([]),
      write: (line) => lines.push(line),
    });
    const db = openDatabase(path);
    const checkpointer = createWalCheckpointer({
      db,
      path,
      logger: watched,
      intervalMs: 10,
      giveUpAfterMs: 200,
    });
    checkpointer.start();
    await waitFor(() => db.pragma('wal_autocheckpoint', { simple: true }) === 0);
    // The database file cannot be written (so no checkpoint can copy into it); the WAL still can.
    chattr('+i');
    try {
      db.prepare(
        "INSERT INTO tasks (kind, subject_id, dedupe_key, due_at, created_at) VALUES ('k', 's', 'one', 0, 0)",
      ).run();
      await waitFor(() => db.pragma('wal_autocheckpoint', { simple: true }) === 1000);
      expect(lines.join('')).toContain('worker unavailable');
    } finally {
      chattr('-i');
    }
    await checkpointer.stop();
    expect(db.prepare('SELECT COUNT(*) AS n FROM tasks').get()).toEqual({ n: 1 });
    db.close();
  });
});

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

  it('does nothing for an in-memory database', async () => {
    const db = openDatabase(':memory:');
    const checkpointer = createWalCheckpointer({ db, path: ':memory:', logger });
    checkpointer.start();
    await checkpointer.stop();
    db.close();
  });
});

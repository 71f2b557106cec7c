import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isDatabaseHealthy, migrate, openDatabase } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';

const latest = MIGRATIONS.at(-1)?.version ?? 0;
const dirs: string[] = [];
function tempPath(name = 'db.sqlite'): string {
  const dir = mkdtempSync(join(tmpdir(), 'peeker-db-test-'));
  dirs.push(dir);
  return join(dir, 'nested', 'folder', name);
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tables = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((row) => row.name);

describe('openDatabase', () => {
  it('migrations are numbered 1, 2, … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('brings a new database to the latest schema and records it in user_version', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
    expect(tables(db)).toEqual(
      expect.arrayContaining(['commands', 'imports', 'slack_messages', 'slack_replies', 'orders', 'tasks']),
    );
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('creates the file with its folder, uses WAL, and reopens without migrating again', () => {
    const path = tempPath();
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.prepare(
      "INSERT INTO tasks (kind, subject_id, dedupe_key, due_at, created_at) VALUES ('k', 's', 'kept', 0, 0)",
    ).run();
    db.close();

    const again = openDatabase(path);
    expect(again.pragma('user_version', { simple: true })).toBe(latest);
    expect(again.prepare("SELECT COUNT(*) AS n FROM tasks WHERE dedupe_key = 'kept'").get()).toEqual({
      n: 1,
    });
    again.close();
  });

  it('applies only the migrations newer than the stored version', () => {
    const path = tempPath();
    const raw = new Database(path.replace(/nested\/folder\//, ''));
    const first = MIGRATIONS[0];
    if (!first) throw new Error('no migrations');
    raw.exec(first.sql);
    raw.pragma(`user_version = ${first.version}`);
    expect(tables(raw)).not.toContain('orders');
    migrate(raw);
    expect(raw.pragma('user_version', { simple: true })).toBe(latest);
    expect(tables(raw)).toContain('orders');
    // Running it again is a no-op (it would fail on CREATE TABLE otherwise).
    expect(() => migrate(raw)).not.toThrow();
    raw.close();
  });

  it('refuses a database whose schema is newer than this build', () => {
    const path = tempPath();
    const db = openDatabase(path);
    db.pragma(`user_version = ${latest + 1}`);
    db.close();
    expect(() => openDatabase(path)).toThrow(/newer than this build/);

    const raw = new Database(':memory:');
    raw.pragma(`user_version = ${latest + 5}`);
    expect(() => migrate(raw)).toThrow(String(latest + 5));
    expect(tables(raw)).toEqual([]); // nothing was applied
    raw.close();
  });

  it('a failing migration leaves the previous version intact', () => {
    const raw = new Database(':memory:');
    // Migration 1 creates `commands` and `imports` first, then collides with this table.
    raw.exec('CREATE TABLE webhook_events (id INTEGER PRIMARY KEY)');
    expect(() => migrate(raw)).toThrow(/webhook_events/);
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    expect(tables(raw)).toEqual(['webhook_events']); // what it had created is rolled back
    raw.close();
  });
});

describe('isDatabaseHealthy', () => {
  it('is true for an open database and false once it is closed', () => {
    const db = openDatabase(':memory:');
    expect(isDatabaseHealthy(db)).toBe(true);
    db.close();
    expect(isDatabaseHealthy(db)).toBe(false);
  });
});

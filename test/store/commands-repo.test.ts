import { beforeEach, describe, expect, it } from 'vitest';
import { type CommandsRepo, createCommandsRepo, type NewCommand } from '../../src/store/commands-repo.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { createImportsRepo, type ImportRecord } from '../../src/store/imports-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const DAY = 24 * 3600_000;

const command = (key: string, patch: Partial<NewCommand> = {}): NewCommand => ({
  dedupeKey: key,
  kind: 'import',
  userId: 'UOPS',
  teamId: 'T1',
  originChannelId: 'COPS',
  responseUrl: 'https://hooks.slack.com/commands/1',
  args: { domains: ['a.com'], channel: 'CCUST' },
  now: T0,
  ...patch,
});

function importOf(id: string, commandId: number): ImportRecord {
  return {
    id,
    kind: 'sync',
    commandId,
    batch: 0,
    channelId: 'CCUST',
    requestedBy: 'UOPS',
    phase: 'verified',
    peekerStatus: 'completed',
    nameserverGroups: [],
    handoffCompletedAt: null,
    failureReason: null,
    submittedAt: T0,
    nameserversAt: null,
    waitingSince: null,
    finishedAt: T0,
    updatedAt: T0,
    nextCheckAt: null,
    lastCheckedAt: null,
    checkFailures: 0,
  };
}

let db: Db;
let commands: CommandsRepo;
beforeEach(() => {
  db = openDatabase(':memory:');
  commands = createCommandsRepo(db);
});

describe('commands', () => {
  it('records a command once per key (a Slack retry finds the first one)', () => {
    const first = commands.record(command('trigger-1'));
    expect(first.isNew).toBe(true);
    expect(first.command).toMatchObject({
      dedupeKey: 'trigger-1',
      kind: 'import',
      userId: 'UOPS',
      teamId: 'T1',
      originChannelId: 'COPS',
      responseUrl: 'https://hooks.slack.com/commands/1',
      args: { domains: ['a.com'], channel: 'CCUST' },
      status: 'pending',
      attempts: 0,
      outcome: null,
      createdAt: T0,
    });
    const retry = commands.record(command('trigger-1', { args: { other: true }, now: T0 + 5 }));
    expect(retry.isNew).toBe(false);
    expect(retry.command).toEqual(first.command);
    expect(commands.get(first.command.id)).toEqual(first.command);
    expect(commands.get(999)).toBeUndefined();
  });

  it('pending lists unfinished commands in arrival order; finish takes one out with its outcome', () => {
    const a = commands.record(command('a')).command;
    const b = commands.record(command('b')).command;
    const c = commands.record(command('c')).command;
    commands.finish(b.id, 'imported', T0 + 1);
    expect(commands.pending().map((x) => x.id)).toEqual([a.id, c.id]);
    expect(commands.get(b.id)).toMatchObject({ status: 'done', outcome: 'imported' });
  });

  it('startAttempt counts each (re)start of the work', () => {
    const { command: c } = commands.record(command('a'));
    commands.startAttempt(c.id, T0 + 1);
    commands.startAttempt(c.id, T0 + 2);
    expect(commands.get(c.id)?.attempts).toBe(2);
  });

  it('prune forgets old finished commands and keeps pending ones, recent ones and those that started an import', () => {
    const oldDone = commands.record(command('old-done')).command;
    const oldPending = commands.record(command('old-pending')).command;
    const oldImport = commands.record(command('old-import')).command;
    const recentDone = commands.record(command('recent-done')).command;
    commands.finish(oldDone.id, 'x', T0);
    commands.finish(oldImport.id, 'x', T0);
    commands.finish(recentDone.id, 'x', T0 + 40 * DAY);
    createImportsRepo(db).insert(importOf('imp_1', oldImport.id), []);

    expect(commands.prune(T0 + 30 * DAY)).toBe(1);
    expect(commands.get(oldDone.id)).toBeUndefined();
    expect(commands.get(oldPending.id)).toBeDefined();
    expect(commands.get(oldImport.id)).toBeDefined();
    expect(commands.get(recentDone.id)).toBeDefined();
    expect(commands.prune(T0 + 30 * DAY)).toBe(0);
  });

  it('prune works in batches', () => {
    for (const key of ['a', 'b', 'c']) commands.finish(commands.record(command(key)).command.id, 'x', T0);
    expect(commands.prune(T0 + 1, 2)).toBe(2);
    expect(commands.prune(T0 + 1, 2)).toBe(1);
  });

  /** The batch is chosen among prunable rows only, so kept import commands never block pruning. */
  it('prune still makes progress when the oldest finished commands all started imports', () => {
    const kept = commands.record(command('kept-by-import')).command;
    const prunable = commands.record(command('prunable')).command;
    commands.finish(kept.id, 'x', T0);
    commands.finish(prunable.id, 'x', T0);
    createImportsRepo(db).insert(importOf('imp_1', kept.id), []);
    expect(commands.prune(T0 + 1, 1)).toBe(1);
  });
});

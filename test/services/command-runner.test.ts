import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBackgroundGate } from '../../src/lib/background-gate.js';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { createCommandRunner, durableCommand } from '../../src/services/command-runner.js';
import { type CommandRecord, createCommandsRepo } from '../../src/store/commands-repo.js';
import { type Db, openDatabase } from '../../src/store/database.js';

const logger = createLogger({ level: 'silent', scrubber: new SecretScrubber([]), write: () => undefined });

let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

/** A real commands table, a handler that records what ran and finishes each command when told. */
function setup(options: { concurrency?: number; gate?: ReturnType<typeof createBackgroundGate> } = {}) {
  db = openDatabase(':memory:');
  const commands = createCommandsRepo(db);
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const runner = createCommandRunner({
    commands,
    logger,
    concurrency: options.concurrency ?? 1,
    ...(options.gate ? { gate: options.gate } : {}),
    handlers: [
      durableCommand({
        kind: 'test',
        args: z.object({ name: z.string() }),
        async run(command) {
          started.push(command.args.name);
          await new Promise<void>((resolve) => release.set(command.args.name, resolve));
          commands.finish(command.id, 'ok', Date.now());
        },
      }),
    ],
  });
  const store = (name: string): CommandRecord =>
    commands.record({
      dedupeKey: `key-${name}`,
      kind: 'test',
      userId: 'U1',
      teamId: 'T1',
      originChannelId: 'C1',
      responseUrl: null,
      args: { name },
      now: Date.now(),
    }).command;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { commands, runner, started, release, store, settle };
}

describe('createCommandRunner', () => {
  it('runs stored commands a few at a time, oldest first, each exactly once', async () => {
    const t = setup({ concurrency: 2 });
    const records = ['a', 'b', 'c', 'd'].map(t.store);
    for (const record of records) expect(t.runner.dispatch(record)).toBe(true);
    // The same command again, while queued or running, is not taken twice.
    expect(t.runner.dispatch(records[0] as CommandRecord)).toBe(false);
    expect(t.runner.dispatch(records[3] as CommandRecord)).toBe(false);
    await t.settle();
    expect(t.started).toEqual(['a', 'b']);
    t.release.get('a')?.();
    await t.settle();
    expect(t.started).toEqual(['a', 'b', 'c']);
    for (const name of ['b', 'c']) t.release.get(name)?.();
    await t.settle();
    t.release.get('d')?.();
    await t.runner.idle();
    expect(t.started).toEqual(['a', 'b', 'c', 'd']);
    expect(t.commands.pending()).toEqual([]);
  });

  it('does not start a command while a request awaits its answer', async () => {
    const gate = createBackgroundGate({ maxDeferMs: 10_000, graceMs: 0 });
    const t = setup({ gate });
    const answered = gate.enter();
    t.runner.dispatch(t.store('a'));
    await t.settle();
    expect(t.started).toEqual([]);
    answered();
    await t.settle();
    expect(t.started).toEqual(['a']);
    t.release.get('a')?.();
    await t.runner.idle();
  });

  it('once stopping, starts nothing more: queued commands stay pending for the next start', async () => {
    const t = setup({ concurrency: 1 });
    for (const name of ['a', 'b', 'c']) t.runner.dispatch(t.store(name));
    await t.settle();
    expect(t.started).toEqual(['a']);
    t.runner.stopAccepting();
    t.release.get('a')?.();
    await t.runner.idle();
    expect(t.started).toEqual(['a']);
    expect(t.commands.pending().map((command) => (command.args as { name: string }).name)).toEqual([
      'b',
      'c',
    ]);
    // A new command is refused too.
    expect(t.runner.dispatch(t.store('d'))).toBe(false);
  });
});

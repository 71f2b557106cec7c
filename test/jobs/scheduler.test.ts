import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { cronPeriodMs, isValidCronExpression, scheduleRecurring } from '../../src/jobs/scheduler.js';
import { createLogger, SecretScrubber } from '../../src/logger.js';

describe('isValidCronExpression', () => {
  it('accepts five- and six-field (seconds) schedules and rejects anything else', () => {
    for (const ok of ['* * * * *', '*/5 * * * *', '0 9 * * 1-5', '* * * * * *', '*/10 * * * * *']) {
      expect(isValidCronExpression(ok), ok).toBe(true);
    }
    for (const bad of ['', 'every minute', '61 * * * *', '* * * *', '* * 32 * *', '* * * * * * * *']) {
      expect(isValidCronExpression(bad), bad).toBe(false);
    }
  });
});

describe('cronPeriodMs', () => {
  it('is the time between two consecutive runs', () => {
    expect(cronPeriodMs('* * * * *')).toBe(60_000);
    expect(cronPeriodMs('*/5 * * * *')).toBe(5 * 60_000);
    expect(cronPeriodMs('0 * * * *')).toBe(3600_000);
    expect(cronPeriodMs('*/10 * * * * *')).toBe(10_000);
    expect(cronPeriodMs('* * * * * *')).toBe(1000);
  });
});

describe('scheduleRecurring', () => {
  it('skips ticks while the previous one runs, survives a failing run, and stop() waits for the running one', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      scrubber: new SecretScrubber([]),
      write: (line) => lines.push(line),
    });
    let active = 0;
    let maxActive = 0;
    let started = 0;
    let finished = 0;
    const startTimes: number[] = [];
    const job = scheduleRecurring(
      'test-job',
      '* * * * * *',
      async () => {
        started += 1;
        startTimes.push(Date.now());
        const mine = started;
        active += 1;
        maxActive = Math.max(maxActive, active);
        try {
          // The first run outlasts the 1 s period (the next tick finds it running), then fails.
          await sleep(mine === 1 ? 1300 : 300);
          if (mine === 1) throw new Error('first run fails');
        } finally {
          active -= 1;
          finished += 1;
        }
      },
      logger,
    );
    try {
      // Wait until the second run has started (the first one failed meanwhile).
      const deadline = Date.now() + 4500;
      while (started < 2 && Date.now() < deadline) await sleep(20);
      expect(started).toBe(2);
    } finally {
      await job.stop();
    }
    // stop() returned only after the running tick finished.
    expect(active).toBe(0);
    expect(finished).toBe(started);
    expect(maxActive).toBe(1);
    // The tick that came while the first run was going was skipped, not queued behind it.
    expect((startTimes[1] ?? 0) - (startTimes[0] ?? 0)).toBeGreaterThanOrEqual(1900);
    expect(
      lines.some((line) => line.includes('scheduled job failed') && line.includes('first run fails')),
    ).toBe(true);

    // Nothing runs after stop().
    const after = started;
    await sleep(1100);
    expect(started).toBe(after);
  }, 10_000);
});

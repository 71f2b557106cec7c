import { describe, expect, it } from 'vitest';
import { latestSlot, scheduleRecurring } from '../../src/jobs/scheduler.js';
import { createLogger, SecretScrubber } from '../../src/logger.js';

const HOUR = 3600_000;
const at = (iso: string) => Date.parse(iso);

describe('latestSlot (catching up a missed schedule slot, on any clock)', () => {
  it('finds the last slot within the window, in the schedule’s time zone', () => {
    // 09:00 on weekdays in Berlin is 08:00 UTC in winter, 07:00 UTC in summer.
    expect(latestSlot('0 9 * * 1-5', 'Europe/Berlin', at('2030-01-09T10:00:00Z'), 3 * HOUR)).toBe(
      at('2030-01-09T08:00:00Z'),
    );
    expect(latestSlot('0 9 * * 1-5', 'Europe/Berlin', at('2030-07-10T09:59:59Z'), 3 * HOUR)).toBe(
      at('2030-07-10T07:00:00Z'),
    );
    expect(latestSlot('0 9 * * 1-5', 'America/New_York', at('2030-01-09T15:30:00Z'), 3 * HOUR)).toBe(
      at('2030-01-09T14:00:00Z'),
    );
    // The same clock read as UTC: 09:00 UTC.
    expect(latestSlot('0 9 * * 1-5', 'UTC', at('2030-01-09T10:00:00Z'), 3 * HOUR)).toBe(
      at('2030-01-09T09:00:00Z'),
    );
  });

  it('counts a slot exactly at `at`, and none older than the window', () => {
    expect(latestSlot('0 9 * * *', 'UTC', at('2030-01-09T09:00:00Z'), 3 * HOUR)).toBe(
      at('2030-01-09T09:00:00Z'),
    );
    expect(latestSlot('0 9 * * *', 'UTC', at('2030-01-09T08:59:59Z'), 3 * HOUR)).toBeUndefined();
    expect(latestSlot('0 9 * * *', 'UTC', at('2030-01-09T12:00:00Z'), 3 * HOUR)).toBeUndefined();
    expect(latestSlot('0 9 * * *', 'UTC', at('2030-01-09T11:59:59Z'), 3 * HOUR)).toBe(
      at('2030-01-09T09:00:00Z'),
    );
  });

  it('has no slot on a weekend for a weekday schedule', () => {
    // Saturday 12 January 2030.
    expect(latestSlot('0 9 * * 1-5', 'UTC', at('2030-01-12T10:00:00Z'), 3 * HOUR)).toBeUndefined();
  });

  it('understands a seconds field', () => {
    expect(latestSlot('*/15 * * * * *', 'UTC', at('2030-01-09T10:00:07.500Z'), 60_000)).toBe(
      at('2030-01-09T10:00:00Z'),
    );
    expect(latestSlot('*/15 * * * * *', 'UTC', at('2030-01-09T10:00:29.999Z'), 60_000)).toBe(
      at('2030-01-09T10:00:15Z'),
    );
    expect(latestSlot('10 0 * * * *', 'UTC', at('2030-01-09T10:00:09Z'), HOUR + 60_000)).toBe(
      at('2030-01-09T09:00:10Z'),
    );
  });
});

describe('scheduleRecurring with a time zone', () => {
  it('runs in the zone given and hands each run the slot it fired for', async () => {
    const logger = createLogger({ level: 'error', scrubber: new SecretScrubber([]), write: () => undefined });
    const slots: Date[] = [];
    // Kathmandu is UTC+05:45: a zone-blind schedule of "second 0 of minutes 15 and 45" would differ.
    const job = scheduleRecurring(
      'zone-test',
      '* * * * * *',
      async (slot) => {
        slots.push(slot);
      },
      logger,
      { timezone: 'Asia/Kathmandu' },
    );
    try {
      const deadline = Date.now() + 3500;
      while (slots.length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await job.stop();
    }
    expect(slots.length).toBeGreaterThanOrEqual(2);
    for (const slot of slots) expect(slot.getTime() % 1000).toBe(0);
    expect((slots[1]?.getTime() ?? 0) - (slots[0]?.getTime() ?? 0)).toBe(1000);
  }, 10_000);
});

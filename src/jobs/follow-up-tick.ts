import type { Logger } from '../logger.js';
import type { NudgeRun, Nudger } from '../services/nudges.js';
import type { StorageHealth } from '../store/storage-health.js';

export interface FollowUpTickDeps {
  nudger: Nudger;
  storage: StorageHealth;
  /** Boards show what became stuck as time passed: they are looked at again on every tick. */
  onTick?: () => void;
  logger: Logger;
  now: () => number;
}

/**
 * One tick of following up without being asked, on the poll schedule: queues the
 * reminders that are due (SQLite only; the outbox posts them) and lets the Home boards catch up
 * with time. Nothing runs while the database refuses writes.
 */
export function createFollowUpTick(deps: FollowUpTickDeps) {
  return async function followUpOnce(): Promise<NudgeRun & { paused: boolean }> {
    if (!deps.storage.check().writable) return { sent: 0, snoozed: 0, paused: true };
    const run = deps.nudger.runDue(deps.now());
    if (run.sent > 0)
      deps.logger.info({ reminders: run.sent }, 'queued reminders about unchanged nameservers');
    deps.onTick?.();
    return { ...run, paused: false };
  };
}

import type { Db } from '../store/database.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { DueNudge, NudgesRepo } from '../store/nudges-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import { renderNudge } from '../views/nudge.js';
import { isWaitingOnNameservers } from './import-dns.js';
import { isNotSwitched, pendingWithDns, type WaitingDnsSource } from './waiting-dns.js';

/** At most this many reminders per import. */
export const MAX_NUDGES = 3;
/**
 * While every domain already points at Peeker (Peeker has not confirmed yet) there is nothing to
 * remind the customer of; the import is looked at again this much later.
 */
export const NOTHING_TO_SAY_SNOOZE_MS = 15 * 60_000;
/** Reminders considered per run (the most overdue first). */
const PER_RUN = 500;

export interface NudgerDeps {
  db: Db;
  nudges: NudgesRepo;
  imports: ImportsRepo;
  outbox: SlackOutboxRepo;
  /** The DNS checks' findings; without them every pending domain counts as not switched. */
  dns?: WaitingDnsSource | undefined;
  /** `NUDGE_AFTER_HOURS` in ms; 0 turns reminders off. */
  nudgeAfterMs: number;
}

export interface NudgeRun {
  sent: number;
  snoozed: number;
}

/**
 * Customer-facing reminders for imports waiting on the registrar: the first
 * `NUDGE_AFTER_HOURS` after the nameservers were handed over, then every `NUDGE_AFTER_HOURS`, at
 * most {@link MAX_NUDGES}; none once the import is verified or failed, none in a channel that
 * turned them off. Each reminder is a thread reply queued in the outbox with a key per reminder
 * number, in the same transaction that counts it: never two for the same period, across restarts.
 */
export function createNudger(deps: NudgerDeps) {
  const { nudges, imports, outbox } = deps;

  const nudgeOne = deps.db.transaction((due: DueNudge, now: number): 'sent' | 'snoozed' | 'skipped' => {
    const record = imports.get(due.importId);
    if (!record || !isWaitingOnNameservers(record.phase)) return 'skipped';
    const pending = imports
      .domainsOf(due.importId)
      .filter((domain) => domain.state === 'pending')
      .map((domain) => domain.domain);
    const notSwitched = pendingWithDns(pending, deps.dns?.statesOf(due.importId)).filter(isNotSwitched);
    if (notSwitched.length === 0) {
      nudges.snooze(due.importId, now + NOTHING_TO_SAY_SNOOZE_MS);
      return 'snoozed';
    }
    const names = new Set(notSwitched.map((domain) => domain.domain));
    const number = due.sent + 1;
    outbox.queueReply(
      { type: 'import', id: due.importId },
      `import:${due.importId}:nudge:${number}`,
      {
        ...renderNudge({
          number,
          max: MAX_NUDGES,
          waitedMs: now - due.waitingSince,
          domains: notSwitched,
          nameserverGroups: record.nameserverGroups.map((group) => ({
            nameservers: group.nameservers,
            domains: group.domains.filter((domain) => names.has(domain)),
          })),
        }),
        // Also shown in the channel: a reminder only in a thread nobody follows reminds no one.
        broadcast: true,
      },
      now,
    );
    nudges.recordSent(due.importId, number, now);
    return 'sent';
  });

  return {
    /** Queues every reminder due at `now`. Synchronous (SQLite only); the outbox posts them. */
    runDue(now: number): NudgeRun {
      const result: NudgeRun = { sent: 0, snoozed: 0 };
      if (deps.nudgeAfterMs <= 0) return result;
      for (const due of nudges.due(now, deps.nudgeAfterMs, MAX_NUDGES, PER_RUN)) {
        const outcome = nudgeOne(due, now);
        if (outcome === 'sent') result.sent += 1;
        else if (outcome === 'snoozed') result.snoozed += 1;
      }
      return result;
    },
  };
}

export type Nudger = ReturnType<typeof createNudger>;

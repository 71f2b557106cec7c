import { latestSlot } from '../jobs/scheduler.js';
import type { Logger } from '../logger.js';
import type { SubjectHandlers } from '../slack/outbox-subjects.js';
import type { Db } from '../store/database.js';
import type { DigestRepo } from '../store/digest-repo.js';
import type { OutboxSubject, SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import { renderDigest } from '../views/digest.js';
import { type DigestBuilder, digestItems } from './digest.js';

/** A slot missed while the app was down is still sent at start-up if it is less late than this. */
export const CATCH_UP_WINDOW_MS = 3 * 3600_000;
/** Decided slots are kept this long (only the last few hours' matter; a week helps reading the database). */
const KEEP_SLOTS_MS = 8 * 24 * 3600_000;

export type SlotOutcome = 'queued' | 'nothing' | 'already' | 'too_late';

export const digestSubject = (slotAt: number): OutboxSubject => ({ type: 'digest', id: String(slotAt) });

export interface DigestSlotsDeps {
  db: Db;
  digests: DigestRepo;
  outbox: SlackOutboxRepo;
  builder: DigestBuilder;
  /** `DIGEST_CHANNEL`. */
  channelId: string;
  /** `DIGEST_CRON` and `DIGEST_TIMEZONE`. */
  cron: string;
  timezone: string;
  logger: Logger;
  now: () => number;
}

/**
 * The scheduled digest: each slot of `DIGEST_CRON` (in `DIGEST_TIMEZONE`) is decided
 * once, in one transaction — "nothing to say" (no message) or the digest message queued in the
 * outbox for `DIGEST_CHANNEL` — and recorded, so a slot is never sent twice, whatever restarts or
 * catch-ups happen. The message is rendered from the current state when it is posted.
 */
export function createDigestSlots(deps: DigestSlotsDeps) {
  const { digests, outbox, builder } = deps;

  const decide = deps.db.transaction((slotAt: number, now: number): SlotOutcome => {
    if (digests.slot(slotAt)) return 'already';
    const items = digestItems(builder.build(now, slotAt));
    digests.pruneSlots(now - KEEP_SLOTS_MS);
    if (items === 0) {
      digests.decideSlot(slotAt, deps.channelId, 'nothing', 0, now);
      return 'nothing';
    }
    digests.decideSlot(slotAt, deps.channelId, 'queued', items, now);
    outbox.ensureMessage(digestSubject(slotAt), deps.channelId, now);
    return 'queued';
  });

  function run(slotAt: number, reason: 'scheduled' | 'catch_up'): SlotOutcome {
    const now = deps.now();
    const outcome = now - slotAt >= CATCH_UP_WINDOW_MS ? 'too_late' : decide(slotAt, now);
    deps.logger.info({ slot: new Date(slotAt).toISOString(), reason, outcome }, 'digest slot');
    return outcome;
  }

  return {
    /** The slot node-cron fired for. */
    runSlot(slotAt: number): SlotOutcome {
      return run(slotAt, 'scheduled');
    },

    /**
     * At start-up: the latest slot of the last {@link CATCH_UP_WINDOW_MS}, if it was never decided
     * (the app was down), is decided now. Undefined when the schedule had no slot in that window.
     */
    catchUp(): SlotOutcome | undefined {
      const slotAt = latestSlot(deps.cron, deps.timezone, deps.now(), CATCH_UP_WINDOW_MS);
      return slotAt === undefined ? undefined : run(slotAt, 'catch_up');
    },
  };
}

export type DigestSlots = ReturnType<typeof createDigestSlots>;

/**
 * The outbox's handling of digest messages: rendered from the current state when posted (nothing
 * left to say → nothing posted); a channel the bot cannot post in is reported once, with the fix.
 */
export function digestSubjectHandlers(deps: {
  builder: DigestBuilder;
  onChannelProblem: (error: string) => void;
}): SubjectHandlers {
  return {
    render(subjectId, now) {
      const slotAt = Number(subjectId);
      if (!Number.isFinite(slotAt)) return undefined;
      const model = deps.builder.build(now, slotAt);
      return model.sections.length > 0 ? renderDigest(model) : undefined;
    },
    async onPostFailed(_message, failure) {
      if (failure.kind === 'channel') deps.onChannelProblem(failure.error);
    },
  };
}

import type { WebClient } from '@slack/web-api';
import type { DigestCommandDeps } from '../commands/digest.js';
import type { NudgesCommandDeps } from '../commands/nudges.js';
import type { Config } from '../config.js';
import { createFollowUpTick } from '../jobs/follow-up-tick.js';
import { type RecurringJob, scheduleRecurring } from '../jobs/scheduler.js';
import type { Logger } from '../logger.js';
import { channelAccessProblem, createChannelAccessWarning } from '../slack/channel-access.js';
import { isSharedChannel } from '../slack/channel-info.js';
import { createHomePublisher, type HomePublisher } from '../slack/home-publisher.js';
import type { SubjectHandlers } from '../slack/outbox-subjects.js';
import { createPermalinks } from '../slack/permalinks.js';
import type { Db } from '../store/database.js';
import { createDigestRepo } from '../store/digest-repo.js';
import type { DnsRepo } from '../store/dns-repo.js';
import type { ForwardingRepo } from '../store/forwarding-repo.js';
import { createHomeBoardsRepo } from '../store/home-boards-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import { createNudgesRepo } from '../store/nudges-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { StorageHealth } from '../store/storage-health.js';
import type { SwapsRepo } from '../store/swaps-repo.js';
import {
  createDigestBuilder,
  type DigestSectionProvider,
  failedForwardingSection,
  failedSwapsSection,
  openActionsSection,
  stuckImportsSection,
  stuckOrdersSection,
} from './digest.js';
import { createDigestSlots, type DigestSlots, digestSubjectHandlers } from './digest-slots.js';
import { createHomeBoard } from './home-board.js';
import { createNudger, MAX_NUDGES } from './nudges.js';
import { waitingDnsFromRepo } from './waiting-dns.js';

export interface FollowUpDeps {
  db: Db;
  /** `DIGEST_*`, `NUDGE_AFTER_HOURS`, `STUCK_AFTER_HOURS`. */
  settings: Config['followUp'];
  /** Reminders are looked for on the poll schedule. */
  pollCron: string;
  imports: ImportsRepo;
  outbox: SlackOutboxRepo;
  storage: StorageHealth;
  client: WebClient;
  /** The DNS checks' per-domain findings (else every pending domain counts as not switched). */
  dns?: Pick<DnsRepo, 'domainStatesOf'> | undefined;
  /** Failed forwarding changes and swaps (else the digest has no such sections). */
  forwarding?: Pick<ForwardingRepo, 'failedJobsSince'> | undefined;
  swaps?: Pick<SwapsRepo, 'failedSwapsSince'> | undefined;
  isSandbox: () => boolean;
  logger: Logger;
  now: () => number;
}

/**
 * Following up without being asked, built in one place: reminders to customers who have
 * not changed their nameservers, the digest of what needs a person, and each person's App Home
 * board. The composition root hands the parts to the outbox, the listeners and the start/stop.
 */
export function createFollowUp(deps: FollowUpDeps) {
  const { db, settings, outbox, logger, now } = deps;
  const log = logger.child({ component: 'follow-up' });
  const digests = createDigestRepo(db);
  const nudgesRepo = createNudgesRepo(db);
  const boards = createHomeBoardsRepo(db);
  const dns = deps.dns ? waitingDnsFromRepo(deps.dns) : undefined;
  const permalinks = createPermalinks(deps.client, log);
  const linkOf = permalinks.urlOf;

  // The digest is this list of sections, in this order.
  const providers: DigestSectionProvider[] = [
    stuckImportsSection({ digest: digests, dns, linkOf }),
    openActionsSection({ digest: digests, linkOf }),
    stuckOrdersSection({ digest: digests, linkOf }),
  ];
  const { forwarding, swaps } = deps;
  if (forwarding) {
    providers.push(
      failedForwardingSection({
        failedSince: (since, limit) => forwarding.failedJobsSince(since, limit),
        threadOf: (requestId) => {
          const message = outbox.messageFor({ type: 'forwarding', id: String(requestId) });
          return message?.ts ? { channelId: message.channelId, ts: message.ts } : null;
        },
        linkOf,
      }),
    );
  }
  if (swaps) {
    providers.push(
      failedSwapsSection({
        failedSince: (since, limit) => swaps.failedSwapsSince(since, limit),
        orderThread: (orderId) => digests.orderThread(orderId),
        linkOf,
      }),
    );
  }
  const builder = createDigestBuilder({
    providers,
    previousSlot: (before) => digests.previousSlot(before),
    stuckAfterMs: settings.stuckAfterMs,
  });

  const channelId = settings.digestChannel;
  const warnChannel = channelId
    ? createChannelAccessWarning(log, 'DIGEST_CHANNEL', channelId)
    : () => undefined;
  const slots: DigestSlots | undefined = channelId
    ? createDigestSlots({
        db,
        digests,
        outbox,
        builder,
        channelId,
        cron: settings.digestCron,
        timezone: settings.digestTimezone,
        logger: log,
        now,
      })
    : undefined;

  const nudger = createNudger({
    db,
    nudges: nudgesRepo,
    imports: deps.imports,
    outbox,
    dns,
    nudgeAfterMs: settings.nudgeAfterMs,
  });

  const board = createHomeBoard({
    boards,
    dns,
    linkOf,
    stuckAfterMs: settings.stuckAfterMs,
    isSandbox: deps.isSandbox,
  });
  const home: HomePublisher = createHomePublisher({
    board,
    boards,
    client: deps.client,
    logger: log,
    now,
  });

  const followUpOnce = createFollowUpTick({
    nudger,
    storage: deps.storage,
    onTick: () => home.changed(),
    logger: log,
    now,
  });

  // The digest names every customer's channel, domains and orders: never in a customer's channel.
  let warnedCustomerChannel = false;
  const isCustomerChannel = async (id: string): Promise<boolean> =>
    deps.imports.hasImportsInChannel(id) || (await isSharedChannel(deps.client, id)) === true;
  const runDigest = async (run: (slots: DigestSlots) => unknown): Promise<void> => {
    if (!slots || !channelId || !deps.storage.check().writable) return;
    if (await isCustomerChannel(channelId)) {
      if (!warnedCustomerChannel) {
        warnedCustomerChannel = true;
        log.warn(
          { channel: channelId, variable: 'DIGEST_CHANNEL' },
          `DIGEST_CHANNEL ${channelId} is a customer's channel (shared through Slack Connect, or nameserver instructions were posted there): the digest lists every customer, so it is not posted there. Fix: point DIGEST_CHANNEL at an internal channel and restart; /peeker digest still works anywhere.`,
        );
      }
      return;
    }
    await permalinks.load();
    run(slots);
  };

  let followUpJob: RecurringJob | undefined;
  let digestJob: RecurringJob | undefined;
  let unsubscribe: (() => void) | undefined;

  return {
    /** The outbox's handling of digest messages. */
    digestSubject: digestSubjectHandlers({
      builder,
      onChannelProblem: warnChannel,
    }) satisfies SubjectHandlers,
    /** What `/peeker nudges` and `/peeker digest` need. */
    commands: {
      nudges: {
        nudges: nudgesRepo,
        nudgeAfterMs: settings.nudgeAfterMs,
        max: MAX_NUDGES,
      } satisfies NudgesCommandDeps,
      digest: { builder, loadLinks: () => permalinks.load() } satisfies DigestCommandDeps,
    },
    /** Publishes the boards (`app_home_opened`, changes). */
    home,
    /** Renders one person's board (benchmarks). */
    board,
    /** One follow-up tick now (tests). */
    followUpOnce,
    /** The scheduled digest (undefined without `DIGEST_CHANNEL`). */
    digest: slots,
    builder,

    /** Schedules reminders and the digest, catches up a missed digest, keeps boards current. */
    start(): void {
      void permalinks.load();
      unsubscribe = outbox.onQueued(() => home.changed());
      followUpJob = scheduleRecurring(
        'follow-up',
        deps.pollCron,
        async () => void (await followUpOnce()),
        log,
      );
      if (slots && channelId) {
        void channelAccessProblem(deps.client, channelId).then((problem) => problem && warnChannel(problem));
        void runDigest((job) => job.catchUp()).catch((error: unknown) =>
          log.error({ err: error }, 'catching up the digest failed'),
        );
        digestJob = scheduleRecurring(
          'digest',
          settings.digestCron,
          (slot) => runDigest((job) => job.runSlot(slot.getTime())),
          log,
          { timezone: settings.digestTimezone },
        );
      }
    },

    async stop(): Promise<void> {
      unsubscribe?.();
      await followUpJob?.stop();
      await digestJob?.stop();
      await home.stop();
    },
  };
}

export type FollowUp = ReturnType<typeof createFollowUp>;

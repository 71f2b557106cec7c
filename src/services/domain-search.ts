import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { describePeekerError } from '../peeker/errors.js';
import type { Responder } from '../slack/responder.js';
import type { CommandRecord, CommandsRepo } from '../store/commands-repo.js';
import type { DomainPicksRepo, PickedDomain } from '../store/domain-picks-repo.js';
import {
  type AvailabilityRowView,
  cheapestFirst,
  renderAvailabilityAnswer,
  renderAvailabilityFailed,
} from '../views/domain-search.js';
import type { AvailabilityChecker, AvailabilityResult } from './availability-checker.js';
import { durableCommand, type RegisteredCommand } from './command-runner.js';

export const CHECK_COMMAND = 'check';
export const FIND_COMMAND = 'find';

/** `check` takes at most this many names (four calls of 25). */
export const MAX_CHECK_DOMAINS = 100;

/** What `/peeker check` stores before it acknowledges: the parsed names and the customer channel. */
export const checkCommandArgs = z.object({
  domains: z.array(z.string().min(1)).min(1).max(MAX_CHECK_DOMAINS),
  channelId: z.string().min(1),
});
export type CheckCommandArgs = z.output<typeof checkCommandArgs>;

/** What `/peeker find` stores: the brand, the lookalike names made from it, the customer channel. */
export const findCommandArgs = z.object({
  brand: z.string(),
  names: z.array(z.string().min(1)).min(1).max(MAX_CHECK_DOMAINS),
  channelId: z.string().min(1),
});
export type FindCommandArgs = z.output<typeof findCommandArgs>;

function toRowView(result: AvailabilityResult): AvailabilityRowView {
  if (result.status !== 'available') return { domain: result.domain, status: result.status };
  return {
    domain: result.domain,
    status: 'available',
    priceCents: result.priceCents,
    renewalCents: result.renewalCents,
    currency: result.currency,
    usableFor: result.usableFor,
  };
}

function toPicked(row: AvailabilityRowView): PickedDomain {
  return {
    domain: row.domain,
    priceCents: row.priceCents ?? null,
    renewalCents: row.renewalCents ?? null,
    currency: row.currency ?? null,
    usableFor: row.usableFor ?? [],
  };
}

/**
 * `/peeker check` and `/peeker find`, after the acknowledgement: the names are checked through the
 * shared availability checker (batches of ≤25, a 5-minute cache, `stale` rows asked again once),
 * the available ones are kept as a pick set behind the answer's "Open the order form" button, and
 * the person gets one ephemeral answer. Durable commands: a restart mid-way checks again (a read).
 */
export function createDomainSearch(deps: {
  checker: AvailabilityChecker;
  picks: DomainPicksRepo;
  commands: CommandsRepo;
  responder: Responder;
  logger: Logger;
  metrics?: Metrics | undefined;
  isSandbox: () => boolean;
  now: () => number;
}) {
  async function answer(
    command: CommandRecord,
    kind: 'check' | 'find',
    names: readonly string[],
    channelId: string,
    brand?: string,
  ): Promise<void> {
    const results = await deps.checker.checkAll(names);
    const rows = results.map(toRowView);
    const failure = results.find((result) => result.status === 'failed');
    const requester = {
      userId: command.userId,
      channelId: command.originChannelId,
      responseUrl: command.responseUrl,
    };
    let outcome: string;
    if (failure && failure.status === 'failed' && results.every((result) => result.status === 'failed')) {
      await deps.responder.tell(
        requester,
        renderAvailabilityFailed(kind, describePeekerError(failure.error)),
      );
      outcome = 'peeker_error';
    } else {
      const available = rows.filter((row) => row.status === 'available');
      const ordered = kind === 'find' ? cheapestFirst(available) : available;
      let pickSetId: string | null = null;
      if (ordered.length > 0) {
        pickSetId = `pick_${command.id}`;
        deps.picks.save({
          id: pickSetId,
          userId: command.userId,
          channelId,
          source: kind,
          domains: ordered.map(toPicked),
          createdAt: deps.now(),
        });
      }
      await deps.responder.tell(
        requester,
        renderAvailabilityAnswer({
          kind,
          ...(brand !== undefined ? { brand } : {}),
          channelId,
          rows,
          pickSetId,
          error: failure && failure.status === 'failed' ? describePeekerError(failure.error) : null,
          sandbox: deps.isSandbox(),
        }),
      );
      outcome = failure ? 'partial' : 'ok';
    }
    deps.metrics?.commands.inc({ subcommand: kind, outcome });
    deps.commands.finish(command.id, outcome, deps.now());
  }

  const check: RegisteredCommand = durableCommand({
    kind: CHECK_COMMAND,
    args: checkCommandArgs,
    run: (command) => answer(command, 'check', command.args.domains, command.args.channelId),
  });
  const find: RegisteredCommand = durableCommand({
    kind: FIND_COMMAND,
    args: findCommandArgs,
    run: (command) => answer(command, 'find', command.args.names, command.args.channelId, command.args.brand),
  });
  return { check, find };
}

export type DomainSearch = ReturnType<typeof createDomainSearch>;

import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { type InvalidDomain, parseDomainList } from '../parsing/domains.js';
import type { PeekerClient } from '../peeker/client.js';
import type { CommandRunner } from '../services/command-runner.js';
import type { OrderCancellation } from '../services/order-cancellation.js';
import type { OrderFormSession } from '../services/order-form-session.js';
import type { CommandsRepo } from '../store/commands-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { OrderActionsRepo } from '../store/order-actions-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { StorageHealth } from '../store/storage-health.js';
import type { RenderedMessage } from '../views/blocks.js';
import { renderUsageError } from '../views/help.js';
import type { DigestCommandDeps } from './digest.js';
import type { DnsCommandDeps } from './dns.js';
import type { NudgesCommandDeps } from './nudges.js';
import type { ChangeCommandDeps } from './swap.js';

/** What the `/peeker` listeners need; built once by the composition root. */
export interface CommandDeps {
  commands: CommandsRepo;
  runner: CommandRunner;
  imports: ImportsRepo;
  orders: OrdersRepo;
  actions: OrderActionsRepo;
  outbox: SlackOutboxRepo;
  storage: StorageHealth;
  orderForm: OrderFormSession;
  peeker: PeekerClient;
  logger: Logger;
  metrics?: Metrics | undefined;
  isSandbox: () => boolean;
  now: () => number;
  /** `/peeker cancel`: the confirm view and its checks. */
  cancellation?: OrderCancellation | undefined;
  /** The DNS lookup service and its store (`/peeker dns`). */
  dns?: DnsCommandDeps | undefined;
  /** The swap and rename modals (`/peeker swap`, `/peeker rename`). */
  changes?: ChangeCommandDeps | undefined;
  /** `/peeker nudges off|on` and `/peeker digest`. */
  nudges?: NudgesCommandDeps | undefined;
  digest?: DigestCommandDeps | undefined;
}

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** Counts one `/peeker` invocation by subcommand and outcome. */
export function countCommand(deps: CommandDeps, subcommand: string, outcome: string): void {
  deps.metrics?.commands.inc({ subcommand, outcome });
}

/**
 * Stores a slash command's parsed arguments before it is acknowledged — Slack's trigger ID makes a
 * retried or double-submitted command one command — acknowledges it with `answer`, then runs it in
 * the background (a durable command, resumed after a crash).
 */
export async function recordAckAndRun(
  { command, ack }: CommandArgs,
  deps: CommandDeps,
  kind: string,
  args: unknown,
  answer: RenderedMessage,
): Promise<void> {
  const { command: stored, isNew } = deps.commands.record({
    dedupeKey: command.trigger_id || `${command.user_id}:${command.channel_id}:${command.text}:${deps.now()}`,
    kind,
    userId: command.user_id,
    teamId: command.team_id ?? null,
    originChannelId: command.channel_id,
    responseUrl: command.response_url ?? null,
    args,
    now: deps.now(),
  });
  await ack({ response_type: 'ephemeral', ...answer });
  if (isNew) deps.runner.dispatch(stored);
}

/**
 * The domain list of `import` or `check`, parsed (Slack-escaped input, Public Suffix List roots)
 * and checked before anything is stored: every bad entry is named with why and nothing happens;
 * an empty or too long list gets the usage. Undefined when the command was answered with a problem.
 */
export async function acceptDomainList(
  { ack }: CommandArgs,
  deps: CommandDeps,
  options: {
    subcommand: 'import' | 'check';
    domainText: string;
    max: number;
    invalid: (invalid: InvalidDomain[], validCount: number) => RenderedMessage;
  },
): Promise<string[] | undefined> {
  const { domains, invalid } = parseDomainList(options.domainText);
  let problem: RenderedMessage | undefined;
  if (invalid.length > 0) problem = options.invalid(invalid, domains.length);
  else if (domains.length === 0) {
    problem = renderUsageError(options.subcommand, `Tell me which domains to ${options.subcommand}.`);
  } else if (domains.length > options.max) {
    problem = renderUsageError(
      options.subcommand,
      `That is ${domains.length} domains; ${options.subcommand} at most ${options.max} per command.`,
    );
  }
  if (!problem) return domains;
  await ack({ response_type: 'ephemeral', ...problem });
  countCommand(deps, options.subcommand, 'invalid_input');
  return undefined;
}

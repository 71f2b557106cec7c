import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
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
  /** Issue 12: `/peeker nudges off|on` and `/peeker digest`. */
  nudges?: NudgesCommandDeps | undefined;
  digest?: DigestCommandDeps | undefined;
}

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** Counts one `/peeker` invocation by subcommand and outcome. */
export function countCommand(deps: CommandDeps, subcommand: string, outcome: string): void {
  deps.metrics?.commands.inc({ subcommand, outcome });
}

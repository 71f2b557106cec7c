import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { PeekerClient } from '../peeker/client.js';
import type { CommandRunner } from '../services/command-runner.js';
import type { CommandsRepo } from '../store/commands-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';

/** What the `/peeker` listeners need; built once by the composition root. */
export interface CommandDeps {
  commands: CommandsRepo;
  runner: CommandRunner;
  imports: ImportsRepo;
  outbox: SlackOutboxRepo;
  peeker: PeekerClient;
  logger: Logger;
  metrics?: Metrics;
  isSandbox: () => boolean;
  now: () => number;
}

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

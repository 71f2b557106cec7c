import { App, HTTPReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import type { BackgroundGate } from '../lib/background-gate.js';
import { type Logger, toBoltLogger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { ResilientSocketModeReceiver } from './socket-receiver.js';

/** Per-call deadline for Slack Web API calls: one stuck call must never stall a queue for minutes. */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

/**
 * Counts every Web API call by method and HTTP status (429s separately), whoever makes it:
 * the outbox, listeners' per-request clients, Socket Mode's connection calls.
 */
export function instrumentedFetch(metrics: Metrics | undefined, base: typeof fetch = fetch): typeof fetch {
  if (!metrics) return base;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = url.split('?')[0]?.split('/').pop() || 'unknown';
    try {
      const response = await base(input, init);
      metrics.slackCalls.inc({ method, outcome: String(response.status) });
      if (response.status === 429) metrics.slackRateLimited.inc({ method });
      return response;
    } catch (error) {
      metrics.slackCalls.inc({ method, outcome: 'network_error' });
      throw error;
    }
  };
}

export interface BoltSetup {
  app: App;
  /** `POST /slack/events` handler for our HTTP server (HTTP mode only). */
  httpListener: HTTPReceiver['requestListener'] | undefined;
}

/**
 * The Bolt app, in HTTP mode (signed requests to `/slack/events` on our server) or Socket Mode
 * (`SLACK_APP_TOKEN`). Web API retries are deliberately short: the default retries for ~30
 * minutes, which would stall the outbox and the poll loop; our outbox does its own waiting, so
 * 429s are surfaced at once (`rejectRateLimitedCalls`) instead of pausing the whole client.
 */
export function createBoltApp(
  config: Config,
  logger: Logger,
  metrics: Metrics | undefined,
  /** Background work waits while a Socket Mode envelope awaits its ack (HTTP requests: see http/server.ts). */
  gate?: BackgroundGate,
): BoltSetup {
  const boltLogger = toBoltLogger(logger);
  const clientOptions: WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    timeout: SLACK_CALL_TIMEOUT_MS,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 400, randomize: true },
    fetch: instrumentedFetch(metrics),
  };
  const common = {
    token: config.slack.botToken,
    logger: boltLogger,
    clientOptions,
    // Bolt would call auth.test from its constructor, where a Slack outage becomes an unhandled
    // rejection; the composition root checks the token itself at start-up instead.
    tokenVerificationEnabled: false,
  };
  if (config.slack.mode === 'socket' && config.slack.appToken) {
    // Reconnects at once when Slack retires the connection or the link drops; pong timeouts stay
    // generous (15 s: the 5 s default drops healthy links on busy machines,
    // https://github.com/slackapi/bolt-js/issues/2196) without delaying reconnects.
    // See socket-receiver.ts and socket-supervisor.ts.
    const receiver = new ResilientSocketModeReceiver({
      appToken: config.slack.appToken,
      logger,
      boltLogger,
      clientOptions,
      ...(gate ? { onEnvelope: () => gate.enter() } : {}),
    });
    const app = new App({ ...common, receiver });
    return { app, httpListener: undefined };
  }
  const receiver = new HTTPReceiver({
    signingSecret: config.slack.signingSecret ?? '',
    endpoints: '/slack/events',
    logger: boltLogger,
    processBeforeResponse: false,
  });
  const app = new App({ ...common, receiver });
  return { app, httpListener: receiver.requestListener };
}

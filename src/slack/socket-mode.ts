import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '@slack/bolt';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import type { Logger } from '../logger.js';

/** The first connection is retried 1 s, 2 s, 4 s… later, at most a minute apart. */
const CONNECT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 60_000, jitter: false };

/**
 * Connects Socket Mode in the background, retrying with backoff: a Slack hiccup at start-up must
 * not take the webhook receiver and the poll loop down with it (once connected, the receiver
 * reconnects by itself).
 */
export function createSocketModeConnection(app: App, logger: Logger) {
  const stopped = new AbortController();
  let connected = false;

  async function connect(): Promise<void> {
    for (let attempt = 0; !stopped.signal.aborted; attempt += 1) {
      try {
        await app.start();
        connected = true;
        logger.info('socket mode connected');
        return;
      } catch (error) {
        const delay = backoffDelay(CONNECT_BACKOFF, attempt);
        logger.warn({ err: error, retryInMs: delay }, 'socket mode connection failed; retrying');
        await sleep(delay, undefined, { signal: stopped.signal, ref: false }).catch(() => undefined);
      }
    }
  }

  return {
    start(): void {
      void connect();
    },
    async stop(): Promise<void> {
      stopped.abort();
      if (connected) await app.stop().catch(() => undefined);
    },
  };
}

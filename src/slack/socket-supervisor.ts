/**
 * The reconnect logic of `ResilientSocketModeReceiver` (socket-receiver.ts, whose module comment
 * says why the `@slack/socket-mode` client's own reconnecting is turned off).
 *
 * Besides waiting `clientPingTimeout × attempt` before it reconnects, the installed client waits
 * up to 30 s for a close handshake that a dead link never completes (and that Slack does not
 * always finish either, see
 * https://github.com/slackapi/node-slack-sdk/blob/main/packages/socket-mode/CHANGELOG.md), and
 * a reconnect whose `apps.connections.open` fails with a network or HTTP error rejects unhandled
 * and is never retried (`cb.apply(this).then(res)` in
 * https://github.com/slackapi/node-slack-sdk/blob/main/packages/socket-mode/src/SocketModeClient.ts).
 *
 * So {@link ConnectionSupervisor} supervises the client through the client's public lifecycle
 * events and methods, a wrapper around each socket's public `disconnect()`, and the client's log
 * lines (its only report of why it dropped a link):
 * - a lost connection (disconnect message, closed or dropped socket, missed pong, socket error)
 *   is replaced at once: a new `apps.connections.open`, then a new WebSocket;
 * - only failed attempts back off, exponentially with jitter and a cap (and never sooner than a
 *   429's `Retry-After`), so an outage is not a hot loop;
 * - a close we start is not left waiting for the peer's half of the handshake (Slack does not
 *   always close the TCP connection after it): the socket is torn down right after the close
 *   frame, or after a short grace when the app stops;
 * - one socket at a time: the next one opens only after the old one is torn down, and a socket
 *   that completes after `stop()` is closed again;
 * - every reconnect is logged at info with its reason.
 */

import type { Logger as BoltLogger, SocketModeReceiver } from '@slack/bolt';
import { WebAPIRateLimitedError } from '@slack/web-api';
import type { Logger } from '../logger.js';

/** Backoff between failed reconnect attempts. The first attempt after a loss is always immediate. */
export interface ReconnectPolicy {
  /** Upper bound of the delay after the first failed attempt; doubles with each further failure. */
  baseDelayMs: number;
  /** Cap of the delay. */
  maxDelayMs: number;
}

/** 1 s, 2 s, 4 s… up to 30 s (each jittered down by up to half). */
export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { baseDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * Delay before the next attempt after `failures` consecutive failed attempts (≥ 1): exponential,
 * capped, with "equal jitter" (between half and all of the step), so that many instances that
 * lost Slack together do not retry in lockstep.
 */
export function reconnectDelayMs(
  failures: number,
  policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY,
  random: () => number = Math.random,
): number {
  if (failures <= 0) return 0;
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Options of {@link ConnectionSupervisor} (part of `ResilientSocketModeReceiverOptions`). */
export interface ConnectionSupervisorOptions {
  /** The app's logger: reconnects are logged here (component `socket-mode`). */
  logger: Logger;
  /** A new socket that stays silent this long without `hello` is given up (and retried). */
  helloTimeoutMs?: number;
  /** On stop, how long the peer gets to answer our close frame before the socket is destroyed. */
  stopGraceMs?: number;
  reconnect?: Partial<ReconnectPolicy>;
  /** Jitter source (tests). */
  random?: () => number;
}

type SocketModeClient = SocketModeReceiver['client'];
type SlackWebSocket = NonNullable<SocketModeClient['websocket']>;

/** Why a connection ended, as logged. */
interface Cause {
  reason: string;
  closeCode?: number;
}

// WebSocket readyState values.
const OPEN = 1;
const CLOSING = 2;

/** The reconnect logic, attached to one SocketModeClient. */
export class ConnectionSupervisor {
  private client: SocketModeClient | undefined;
  private readonly log: Logger;
  private readonly policy: ReconnectPolicy;
  private readonly random: () => number;
  private readonly helloTimeoutMs: number;
  private readonly stopGraceMs: number;
  /** Between start() and stop(). */
  private running = false;
  /** A connection was greeted since start(): from then on, losses are reconnected here. */
  private established = false;
  private connected = false;
  private reconnecting = false;
  /** Why the current (or last) socket ended, as far as known. */
  private cause: Cause | undefined;
  /** The close code of the current socket, from the client's debug line. */
  private closeCode: number | undefined;
  /** The current socket's error, if it failed. */
  private socketError: string | undefined;
  private helloTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(options: ConnectionSupervisorOptions) {
    this.log = options.logger.child({ component: 'socket-mode' });
    this.policy = { ...DEFAULT_RECONNECT_POLICY, ...options.reconnect };
    this.random = options.random ?? Math.random;
    this.helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
    this.stopGraceMs = options.stopGraceMs ?? 1000;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /**
   * The client reports why it dropped a link only in its log lines (a missed pong or ping, a
   * socket error, the close code), so the logger it gets notes them for the reconnect's reason.
   * Everything is still logged as before.
   */
  tapLogger(logger: BoltLogger): BoltLogger {
    return {
      debug: (...parts) => {
        this.noteLibraryLine(parts);
        logger.debug(...parts);
      },
      info: (...parts) => logger.info(...parts),
      warn: (...parts) => {
        this.noteLibraryLine(parts);
        logger.warn(...parts);
      },
      error: (...parts) => {
        this.noteLibraryLine(parts);
        logger.error(...parts);
      },
      setLevel: (level) => logger.setLevel(level),
      getLevel: () => logger.getLevel(),
      setName: (name) => logger.setName(name),
    };
  }

  attach(client: SocketModeClient): void {
    this.client = client;
    client.on('connecting', () => this.onConnecting());
    client.on('connected', () => this.onConnected());
    client.on('disconnected', () => this.onDisconnected());
    client.on('ws_message', (data: unknown) => this.onMessage(data));
  }

  begin(): void {
    this.running = true;
    this.established = false;
  }

  /** Stops reconnecting; resolves when the client reports the socket gone (or after a cap). */
  halt(): Promise<void> {
    this.running = false;
    this.clearHelloTimer();
    this.wake?.();
    const client = this.client;
    if (!client) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('disconnected', done);
        resolve();
      };
      const timer = setTimeout(done, this.stopGraceMs + 1000);
      timer.unref();
      client.on('disconnected', done);
    });
  }

  // ---- client events ---------------------------------------------------------------------

  /** A new socket was created (not yet connected): instrument it, and bound its wait for hello. */
  private onConnecting(): void {
    const socket = this.client?.websocket;
    if (!socket) return;
    this.cause = undefined;
    this.closeCode = undefined;
    this.socketError = undefined;
    this.instrument(socket);
    if (!this.running) {
      // stop() came while apps.connections.open was in flight: close what is being opened
      // (after connect() has run, which comes right after this event).
      setImmediate(() => socket.disconnect());
      return;
    }
    this.clearHelloTimer();
    this.helloTimer = setTimeout(() => {
      this.cause = { reason: 'hello_timeout' };
      socket.disconnect();
    }, this.helloTimeoutMs);
    this.helloTimer.unref();
  }

  private onConnected(): void {
    this.clearHelloTimer();
    this.cause = undefined;
    this.connected = true;
    if (!this.running) {
      void this.client?.disconnect();
      return;
    }
    this.established = true;
  }

  /** The socket is torn down (the client emits this because its own reconnecting is off). */
  private onDisconnected(): void {
    this.connected = false;
    this.clearHelloTimer();
    if (!this.running || !this.established || this.reconnecting) return;
    void this.reconnect(this.takeCause());
  }

  /** Slack's `{type: 'disconnect', reason}` (the client closes the socket itself, just before). */
  private onMessage(data: unknown): void {
    if (typeof data !== 'string' || !data.includes('"disconnect"')) return;
    try {
      const message = JSON.parse(data) as { type?: unknown; reason?: unknown };
      if (message.type !== 'disconnect') return;
      this.cause = { reason: typeof message.reason === 'string' ? message.reason : 'disconnect' };
    } catch {
      // not JSON: the client ignores it too
    }
  }

  // ---- reconnecting ----------------------------------------------------------------------

  private async reconnect(cause: Cause): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.reconnecting = true;
    const lostAt = performance.now();
    const { reason } = cause;
    this.log.info(
      { reason, ...(cause.closeCode === undefined ? {} : { closeCode: cause.closeCode }) },
      `socket mode connection lost (${reason}); reconnecting now`,
    );
    let failures = 0;
    let lastError: unknown;
    try {
      while (this.running) {
        if (failures > 0) {
          const retryAfterMs = lastError instanceof WebAPIRateLimitedError ? lastError.retryAfter * 1000 : 0;
          const delay = Math.max(reconnectDelayMs(failures, this.policy, this.random), retryAfterMs);
          this.log.warn(
            { reason, attempt: failures, retryInMs: delay, err: lastError },
            'socket mode reconnect attempt failed; retrying',
          );
          await this.pause(delay);
          if (!this.running) return;
        }
        try {
          await client.start();
        } catch (error) {
          failures += 1;
          // A failed socket rejects without an error; say what was seen instead.
          lastError = error ?? new Error(`WebSocket failed (${this.takeCause().reason})`);
          continue;
        }
        if (!this.running) return;
        this.log.info(
          { reason, downMs: Math.round(performance.now() - lostAt), attempts: failures + 1 },
          `socket mode reconnected after ${reason}`,
        );
        return;
      }
    } finally {
      this.reconnecting = false;
    }
  }

  /** Sleeps `ms`, or less if stop() comes first. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  // ---- closing sockets -------------------------------------------------------------------

  /**
   * The client closes a socket by sending a close frame and waiting (up to 30 s) for the peer to
   * finish the handshake; Slack may not, and a dead link cannot. A second `disconnect()` on a
   * closing socket destroys it, so each close we start is finished here: on the next tick while
   * running (the close frame has gone out; nothing more is expected on that socket), after a
   * short grace when stopping. It also notes why the client closed an open socket by itself.
   */
  private instrument(socket: SlackWebSocket): void {
    const disconnect = socket.disconnect.bind(socket);
    socket.disconnect = () => {
      if (this.running && this.cause === undefined && socket.readyState === OPEN) {
        // Not a disconnect message (noted right after) nor a close by the peer (the close code
        // tells): the client gave up on the link, or its socket failed.
        this.cause = { reason: this.socketError === undefined ? 'heartbeat_timeout' : 'websocket_error' };
      }
      disconnect();
      if (socket.readyState !== CLOSING) return;
      const finish = () => {
        if (socket.readyState === CLOSING) disconnect();
      };
      if (this.running) setImmediate(finish);
      else setTimeout(finish, this.stopGraceMs).unref();
    };
  }

  /** A close the peer or the network made: 1006 means no close frame (the link just went). */
  private closedCause(): Cause {
    const closeCode = this.closeCode;
    if (closeCode === undefined) return { reason: 'connection_lost' };
    return { reason: closeCode === 1006 ? 'connection_lost' : 'closed_by_server', closeCode };
  }

  private noteLibraryLine(parts: unknown[]): void {
    const first = parts[0];
    if (typeof first !== 'string') return;
    // Wordings of SlackWebSocket (see the URL in the module comment); other lines change nothing.
    if (first.includes("pong wasn't received")) this.cause ??= { reason: 'pong_timeout' };
    else if (first.includes("ping wasn't received")) this.cause ??= { reason: 'server_ping_timeout' };
    else if (first.startsWith('WebSocket error occurred')) this.socketError = first;
    else {
      const code = /close frame received \(code: (\d+)/.exec(first)?.[1];
      if (code !== undefined) this.closeCode = Number(code);
    }
  }

  private takeCause(): Cause {
    const cause = this.cause ?? this.closedCause();
    this.cause = undefined;
    return cause;
  }

  private clearHelloTimer(): void {
    clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
  }
}

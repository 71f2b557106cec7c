/**
 * Socket Mode that stays connected: Bolt's `SocketModeReceiver` with the reconnecting done by a
 * {@link ConnectionSupervisor} (socket-supervisor.ts, whose module comment says how).
 *
 * Slack retires every Socket Mode connection every few hours with a `disconnect` message
 * (`refresh_requested`), and also when Socket Mode is toggled (`link_disabled`); the app is
 * expected to open a new connection straight away (https://api.slack.com/apis/socket-mode). The
 * installed `@slack/socket-mode` client waits `clientPingTimeout × attempt` before it reconnects
 * (`delayReconnectAttempt` in
 * https://github.com/slackapi/node-slack-sdk/blob/main/packages/socket-mode/src/SocketModeClient.ts),
 * so a generous pong timeout (15 s, needed on busy machines: https://github.com/slackapi/bolt-js/issues/2196)
 * also meant 15 s without a connection on every refresh; its other reconnect flaws are described
 * in socket-supervisor.ts.
 *
 * So the client runs with its own reconnecting turned off (`autoReconnectEnabled: false`, a
 * public option) and {@link ResilientSocketModeReceiver} leaves the reconnecting to a
 * {@link ConnectionSupervisor}, which watches the client through public events, methods and log lines.
 * Ping/pong timeouts stay generous: they only decide when a silent link counts as lost.
 */

import { type App, type Logger as BoltLogger, type ReceiverEvent, SocketModeReceiver } from '@slack/bolt';
import type { AppsConnectionsOpenResponse, WebClientOptions } from '@slack/web-api';
import { toBoltLogger } from '../logger.js';
import { ConnectionSupervisor, type ConnectionSupervisorOptions } from './socket-supervisor.js';

/** How long a pong may take before the link counts as dead (Slack's client default is 5 s). */
export const SOCKET_CLIENT_PING_TIMEOUT_MS = 15_000;
/** How long Slack's pings may stay away before the link counts as dead (the client's default). */
export const SOCKET_SERVER_PING_TIMEOUT_MS = 30_000;

/**
 * Options of {@link ResilientSocketModeReceiver}; the logger and the reconnect settings are
 * {@link ConnectionSupervisorOptions}.
 */
export interface ResilientSocketModeReceiverOptions extends ConnectionSupervisorOptions {
  /** The app-level token (`xapp-…`, scope `connections:write`). */
  appToken: string;
  /** Bolt's view of the logger; `toBoltLogger(logger)` by default. */
  boltLogger?: BoltLogger;
  /** Web API options for `apps.connections.open` (URL, timeout, retries, fetch). */
  clientOptions?: WebClientOptions;
  clientPingTimeoutMs?: number;
  serverPingTimeoutMs?: number;
  /**
   * Called as each envelope arrives; the function it returns is called once the envelope is acked
   * (or its listener is done). The app's background gate: work waits while an ack is pending.
   */
  onEnvelope?: () => () => void;
}

/**
 * Bolt's Socket Mode receiver with immediate reconnects (see the module comment). Use it as the
 * `receiver` of an `App`; `app.start()` connects once (and rejects if that fails, so the caller
 * decides how to retry the first connection) and from then on the receiver keeps the connection
 * up by itself until `app.stop()`.
 */
export class ResilientSocketModeReceiver extends SocketModeReceiver {
  private readonly supervisor: ConnectionSupervisor;
  private readonly onEnvelope: (() => () => void) | undefined;

  constructor(options: ResilientSocketModeReceiverOptions) {
    const supervisor = new ConnectionSupervisor(options);
    super({
      appToken: options.appToken,
      logger: supervisor.tapLogger(options.boltLogger ?? toBoltLogger(options.logger)),
      clientPingTimeout: options.clientPingTimeoutMs ?? SOCKET_CLIENT_PING_TIMEOUT_MS,
      serverPingTimeout: options.serverPingTimeoutMs ?? SOCKET_SERVER_PING_TIMEOUT_MS,
      // The client's own reconnect waits clientPingTimeout × attempt; the supervisor does it.
      autoReconnectEnabled: false,
      installerOptions: { clientOptions: options.clientOptions ?? {} },
    });
    this.supervisor = supervisor;
    this.onEnvelope = options.onEnvelope;
    supervisor.attach(this.client);
  }

  /**
   * Bolt hands every envelope to `app.processEvent`; with `onEnvelope` the envelope counts as
   * being answered from its arrival until its ack is sent.
   */
  override init(app: App): void {
    const onEnvelope = this.onEnvelope;
    if (!onEnvelope) {
      super.init(app);
      return;
    }
    const tracked = Object.create(app) as App;
    tracked.processEvent = async (event: ReceiverEvent) => {
      const leave = onEnvelope();
      let left = false;
      const answered = () => {
        if (left) return;
        left = true;
        leave();
      };
      const ack = event.ack;
      try {
        await app.processEvent({
          ...event,
          ack: async (response) => {
            try {
              return await ack(response);
            } finally {
              answered();
            }
          },
        });
      } finally {
        answered();
      }
    };
    super.init(tracked);
  }

  /** Opens the first connection (resolves on Slack's `hello`); reconnects are automatic after that. */
  override async start(): Promise<AppsConnectionsOpenResponse> {
    this.supervisor.begin();
    return super.start();
  }

  /** Stops reconnecting and closes the connection; resolves once the socket is gone. */
  override async stop(): Promise<void> {
    const closed = this.supervisor.halt();
    await super.stop();
    await closed;
  }

  /** Whether a connection is open and greeted right now. */
  isConnected(): boolean {
    return this.supervisor.isConnected();
  }
}

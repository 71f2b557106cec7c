/**
 * In-process fake of Slack's Socket Mode WebSocket endpoint, on the `ws` server package.
 *
 * Hand its {@link FakeSocketMode.url} out through the fake Web API
 * (`fakeSlack.setSocketModeUrl(fake.url)`), so the app's `apps.connections.open` gets it. The fake
 * speaks the protocol of https://api.slack.com/apis/socket-mode: it greets every connection with
 * `hello`, pushes envelopes (`slash_commands`, `interactive`, `events_api`) and resolves them with
 * the app's acknowledgement (`{envelope_id, payload}`), sends `disconnect` messages, drops TCP
 * connections abruptly, stops answering the client's pings on demand, pings the client, and
 * records when every connection opened, said hello and closed (`performance.now()` times), so
 * tests can measure reconnect gaps and check that a single connection is live.
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { pollUntil, type Truthy } from './poll-until.js';

/** One WebSocket connection the app opened, as the server saw it. */
export interface FakeSocketConnection {
  /** 1, 2, 3… in opening order. */
  id: number;
  /** When the upgrade completed (`performance.now()`). */
  openedAt: number;
  /** When `hello` was sent. */
  helloAt: number | undefined;
  /** When the server saw the connection close (either side). */
  closedAt: number | undefined;
  /** The close code the server saw (1006 when the TCP connection just went away). */
  closeCode: number | undefined;
  /** Pings the client sent on this connection. */
  pingsReceived: number;
  /** Messages the client sent on this connection (acknowledgements). */
  messages: unknown[];
  readonly socket: WebSocket;
}

/** The app's acknowledgement of an envelope. */
export interface FakeAck {
  envelopeId: string;
  /** The `payload` of the acknowledgement (`undefined` when the app sent none). */
  payload: unknown;
  /** When it arrived (`performance.now()`). */
  at: number;
  /** The connection it arrived on. */
  connectionId: number;
}

/** Envelope types Slack pushes over Socket Mode. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** Reasons Slack gives in `{type: 'disconnect', reason}` (others may exist). */
export type DisconnectReason = 'refresh_requested' | 'link_disabled' | 'warning' | 'too_many_websockets';

interface PendingAck {
  resolve: (ack: FakeAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Default wait for an acknowledgement: Slack's own deadline is 3 s. */
const ACK_TIMEOUT_MS = 5000;

/**
 * Fake Socket Mode server. Start with `await FakeSocketMode.start()`, stop with `await fake.stop()`.
 */
export class FakeSocketMode {
  /** `ws://127.0.0.1:PORT/link/?ticket=…`, what `apps.connections.open` answers with. */
  readonly url: string;
  /** Every connection, in opening order (closed ones included). */
  readonly connections: FakeSocketConnection[] = [];
  /** Every acknowledgement received, in arrival order. */
  readonly acks: FakeAck[] = [];

  private readonly server: WebSocketServer;
  private readonly pending = new Map<string, PendingAck>();
  private answerPings = true;
  private sendHello = true;
  private refuseUpgrades = 0;
  private stopped = false;

  private constructor(server: WebSocketServer, port: number) {
    this.server = server;
    this.url = `ws://127.0.0.1:${port}/link/?ticket=${randomBytes(8).toString('hex')}&app_id=A000FAKE`;
    server.on('connection', (socket, request) => this.accept(socket, request));
  }

  /** Starts a fake on 127.0.0.1 with an ephemeral port. */
  static async start(): Promise<FakeSocketMode> {
    let fake: FakeSocketMode | undefined;
    const server = await new Promise<WebSocketServer>((resolve, reject) => {
      const wss = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        // Pongs are sent by hand so a test can stop answering (a half-dead link).
        autoPong: false,
        verifyClient: (_info, done) => {
          if (fake && fake.refuseUpgrades > 0) {
            fake.refuseUpgrades -= 1;
            done(false, 503, 'Service Unavailable');
            return;
          }
          done(true);
        },
      });
      wss.once('listening', () => resolve(wss));
      wss.once('error', reject);
    });
    fake = new FakeSocketMode(server, (server.address() as AddressInfo).port);
    return fake;
  }

  /** Closes every connection (abruptly) and the server; pending acknowledgements are rejected. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const [id, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`FakeSocketMode stopped before envelope ${id} was acknowledged`));
    }
    this.pending.clear();
    for (const connection of this.connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- connections -------------------------------------------------------------------------

  /** Connections the server still sees open. */
  openConnections(): FakeSocketConnection[] {
    return this.connections.filter((c) => c.closedAt === undefined);
  }

  /** The most recently opened connection that is still open. */
  current(): FakeSocketConnection | undefined {
    return this.openConnections().at(-1);
  }

  /**
   * Waits until `count` connections have been opened (closed ones included) and the last one got
   * its `hello`; returns that one.
   */
  async waitForConnection(count: number, timeoutMs = 5000): Promise<FakeSocketConnection> {
    return this.waitFor(
      () => {
        const connection = this.connections[count - 1];
        return connection?.helloAt !== undefined && connection.closedAt === undefined
          ? connection
          : undefined;
      },
      timeoutMs,
      `connection #${count} to be open and greeted`,
    );
  }

  // ---- scripted behaviour ------------------------------------------------------------------

  /** Whether new connections get `hello` (Slack always sends it; off to test a silent server). */
  setSendHello(send: boolean): void {
    this.sendHello = send;
  }

  /** Answers (true, the default) or ignores the client's pings, like a half-dead link would. */
  setAnswerPings(answer: boolean): void {
    this.answerPings = answer;
  }

  /** Refuses the next `times` WebSocket upgrades with HTTP 503. */
  refuseNextUpgrades(times: number): void {
    this.refuseUpgrades = times;
  }

  /**
   * Sends `{type: 'disconnect', reason}` on the current connection (Slack's way to retire a
   * connection; it expects the app to open a new one).
   */
  disconnect(reason: DisconnectReason | string, connection = this.requireCurrent()): void {
    connection.socket.send(
      JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } }),
    );
  }

  /** Drops the current connection's TCP socket without a close frame (a network failure). */
  terminate(connection = this.requireCurrent()): void {
    connection.socket.terminate();
  }

  /** Pings the client on the current connection; resolves with the round trip in ms. */
  ping(connection = this.requireCurrent(), timeoutMs = 2000): Promise<number> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.socket.off('pong', onPong);
        reject(new Error(`no pong within ${timeoutMs} ms`));
      }, timeoutMs);
      const onPong = () => {
        clearTimeout(timer);
        resolve(performance.now() - started);
      };
      connection.socket.once('pong', onPong);
      connection.socket.ping(Buffer.from('fake-slack-ping'));
    });
  }

  // ---- envelopes ---------------------------------------------------------------------------

  /**
   * Pushes an envelope on the current connection and resolves with the app's acknowledgement;
   * rejects after `timeoutMs` without one.
   */
  send(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options: { connection?: FakeSocketConnection; timeoutMs?: number; retryAttempt?: number } = {},
  ): Promise<FakeAck> {
    const connection = options.connection ?? this.requireCurrent();
    const envelopeId = `env-${randomBytes(8).toString('hex')}`;
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
    };
    if (type === 'events_api') {
      envelope.retry_attempt = options.retryAttempt ?? 0;
      envelope.retry_reason = '';
    }
    const timeoutMs = options.timeoutMs ?? ACK_TIMEOUT_MS;
    const acked = new Promise<FakeAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`no ack for ${type} envelope ${envelopeId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer });
    });
    connection.socket.send(JSON.stringify(envelope));
    return acked;
  }

  /** A `slash_commands` envelope; `command` is the form fields Slack would POST, as an object. */
  slashCommand(command: Record<string, string>, options?: { timeoutMs?: number }): Promise<FakeAck> {
    return this.send('slash_commands', command, options);
  }

  /** An `interactive` envelope (block_actions, view_submission…). */
  interactive(payload: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<FakeAck> {
    return this.send('interactive', payload, options);
  }

  /** An `events_api` envelope wrapping `event` in an `event_callback`. */
  event(event: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<FakeAck> {
    return this.send(
      'events_api',
      {
        token: 'legacy',
        team_id: 'T000FAKE',
        api_app_id: 'A000FAKE',
        type: 'event_callback',
        event_id: `Ev${randomBytes(6).toString('hex')}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: 'T000FAKE', user_id: 'UBOT', is_bot: true }],
        event,
      },
      options,
    );
  }

  // ---- waiting -----------------------------------------------------------------------------

  /** Polls `predicate` every 10 ms until it is truthy; the timeout error lists the connections. */
  waitFor<T>(predicate: () => T | Promise<T>, timeoutMs = 5000, description?: string): Promise<Truthy<T>> {
    return pollUntil(predicate, {
      timeoutMs,
      label: 'FakeSocketMode',
      description,
      context: () => this.describe(),
    });
  }

  /** One line per connection, for failure messages. */
  describe(): string {
    if (this.connections.length === 0) return 'no connection was opened';
    return this.connections
      .map(
        (c) =>
          `#${c.id} opened ${c.openedAt.toFixed(0)} hello ${c.helloAt?.toFixed(0) ?? '-'} closed ${c.closedAt?.toFixed(0) ?? '-'} (code ${c.closeCode ?? '-'}), ${c.pingsReceived} ping(s)`,
      )
      .join('\n');
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private requireCurrent(): FakeSocketConnection {
    const connection = this.current();
    if (!connection) throw new Error(`FakeSocketMode: no open connection\n${this.describe()}`);
    return connection;
  }

  private accept(socket: WebSocket, _request: IncomingMessage): void {
    const connection: FakeSocketConnection = {
      id: this.connections.length + 1,
      openedAt: performance.now(),
      helloAt: undefined,
      closedAt: undefined,
      closeCode: undefined,
      pingsReceived: 0,
      messages: [],
      socket,
    };
    this.connections.push(connection);
    socket.on('ping', (data) => {
      connection.pingsReceived += 1;
      if (this.answerPings) socket.pong(data);
    });
    socket.on('message', (data, isBinary) => this.receive(connection, data.toString(), isBinary));
    socket.on('close', (code) => {
      connection.closedAt = performance.now();
      connection.closeCode = code;
    });
    // A reset from a client that terminates is expected; without a listener it would throw.
    socket.on('error', () => undefined);
    if (this.sendHello) {
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.openConnections().length,
          debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: 'A000FAKE' },
        }),
      );
      connection.helloAt = performance.now();
    }
  }

  private receive(connection: FakeSocketConnection, text: string, isBinary: boolean): void {
    if (isBinary) return;
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      connection.messages.push(text);
      return;
    }
    connection.messages.push(message);
    if (typeof message.envelope_id !== 'string') return;
    const ack: FakeAck = {
      envelopeId: message.envelope_id,
      payload: message.payload,
      at: performance.now(),
      connectionId: connection.id,
    };
    this.acks.push(ack);
    const waiter = this.pending.get(ack.envelopeId);
    if (!waiter) return;
    this.pending.delete(ack.envelopeId);
    clearTimeout(waiter.timer);
    waiter.resolve(ack);
  }
}

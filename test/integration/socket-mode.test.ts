import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPeekerApp, type PeekerApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_RECONNECT_POLICY, reconnectDelayMs } from '../../src/slack/socket-supervisor.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { type FakeSocketConnection, FakeSocketMode } from '../fakes/fake-socket-mode.js';
import { deliverWebhook, FakePeeker, makeEvent } from '../fakes/peeker/index.js';
import { testEnv, WEBHOOK_SECRET } from '../helpers/harness.js';
import { slashCommandForm } from '../helpers/slack-requests.js';

const APP_TOKEN = 'xapp-1-A000FAKE-123-abc';
// Reconnects take milliseconds here; the bound is loose for a busy shared machine (the benchmark
// `npm run bench -- socket-reconnect` has the precise figure).
const RECONNECT_BOUND_MS = 2000;

let app: PeekerApp | undefined;
let slack: FakeSlack | undefined;
let peeker: FakePeeker | undefined;
let socket: FakeSocketMode | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.stop();
  await socket?.stop();
  await slack?.stop();
  await peeker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  app = undefined;
  socket = undefined;
  dir = undefined;
});

interface SocketApp {
  app: PeekerApp;
  slack: FakeSlack;
  socket: FakeSocketMode;
  logs: string[];
}

/** The real app in Socket Mode, connected to a Socket Mode fake through the fake Web API. */
async function startSocketApp(): Promise<SocketApp> {
  slack = await FakeSlack.start();
  peeker = await FakePeeker.start();
  socket = await FakeSocketMode.start();
  slack.setSocketModeUrl(socket.url);
  dir = mkdtempSync(join(tmpdir(), 'peeker-socket-'));
  const env = testEnv({ slack, peeker, databasePath: join(dir, 'db.sqlite') });
  delete env.SLACK_SIGNING_SECRET;
  const logs: string[] = [];
  app = createPeekerApp({
    config: loadConfig({ ...env, SLACK_APP_TOKEN: APP_TOKEN }),
    logWrite: (line) => logs.push(line),
  });
  await app.start();
  await socket.waitForConnection(1);
  return { app, slack, socket, logs };
}

/** `/peeker <text>` as a slash_commands envelope carries it: the form fields as an object. */
function command(s: SocketApp, text: string): Record<string, string> {
  return Object.fromEntries(
    new URLSearchParams(slashCommandForm({ text, responseUrl: s.slack.responseUrl() })),
  );
}

/** Sends `/peeker help` and checks the ack carries the help. */
async function expectHelpAcked(s: SocketApp): Promise<void> {
  const ack = await s.socket.slashCommand(command(s, 'help'));
  const payload = ack.payload as { response_type?: string; text?: string; blocks?: unknown[] };
  expect(payload.response_type).toBe('ephemeral');
  expect(payload.text).toContain('Peeker commands');
  expect(JSON.stringify(payload.blocks)).toContain('/peeker');
}

function parsedLogs(
  logs: string[],
): { level: number; msg: string; reason?: string; [key: string]: unknown }[] {
  return logs.flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

/**
 * After the connection that was live before (`previous`, the number of connections so far) went
 * away: a single new `apps.connections.open`, a new greeted connection within the bound, exactly
 * one connection open, a command acked on it, and info lines naming the reason.
 */
async function expectQuickReconnect(
  s: SocketApp,
  previous: number,
  opensBefore: number,
  reason: string,
  since: number,
): Promise<{ gapMs: number }> {
  const next = await s.socket.waitForConnection(previous + 1, 10_000);
  const old = s.socket.connections[previous - 1] as FakeSocketConnection;
  await s.socket.waitFor(() => old.closedAt !== undefined, 5000, 'the old connection to close');
  const gapMs = (next.helloAt ?? Number.NaN) - (old.closedAt ?? Number.NaN);
  expect(gapMs).toBeLessThan(RECONNECT_BOUND_MS);
  expect((next.helloAt ?? Number.NaN) - since).toBeLessThan(RECONNECT_BOUND_MS);
  expect(s.slack.callsTo('apps.connections.open')).toHaveLength(opensBefore + 1);
  expect(s.socket.openConnections().map((c) => c.id)).toEqual([next.id]);

  await expectHelpAcked(s);
  expect(s.socket.acks.at(-1)?.connectionId).toBe(next.id);

  const lines = parsedLogs(s.logs).filter((line) => line.level === 30 && line.reason === reason);
  expect(lines.map((line) => line.msg)).toEqual([
    `socket mode connection lost (${reason}); reconnecting now`,
    `socket mode reconnected after ${reason}`,
  ]);
  // Still one connection a moment later: nothing else reconnected in the background.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(s.socket.openConnections().map((c) => c.id)).toEqual([next.id]);
  expect(s.slack.callsTo('apps.connections.open')).toHaveLength(opensBefore + 1);
  return { gapMs };
}

describe('Socket Mode', () => {
  it('connects with the app-level token in the background while webhooks, /healthz and /metrics listen on PORT', async () => {
    slack = await FakeSlack.start();
    peeker = await FakePeeker.start();
    dir = mkdtempSync(join(tmpdir(), 'peeker-socket-'));
    const env = testEnv({ slack, peeker, databasePath: join(dir, 'db.sqlite') });
    delete env.SLACK_SIGNING_SECRET;
    const config = loadConfig({ ...env, SLACK_APP_TOKEN: APP_TOKEN });
    expect(config.slack.mode).toBe('socket');
    const logs: string[] = [];
    app = createPeekerApp({ config, logWrite: (line) => logs.push(line) });
    await app.start();
    const base = `http://127.0.0.1:${app.port()}`;

    // Bolt asked Slack for a WebSocket URL with the xapp- token (this fake Web API has no Socket
    // Mode URL to give; the app keeps retrying in the background instead of failing start-up).
    const open = await slack.waitFor(() => slack?.callsTo('apps.connections.open')[0]);
    expect(open.token).toBe(APP_TOKEN);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect((await fetch(`${base}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    const event = makeEvent('swap.created', { id: 'swp_1' });
    expect((await deliverWebhook(`${base}/peeker/webhooks`, event, { secret: WEBHOOK_SECRET })).status).toBe(
      200,
    );
    expect(logs.join('\n')).not.toContain(APP_TOKEN);
  });

  describe('over a WebSocket', () => {
    it('acks slash commands with their answer, view submissions with errors, and events', async () => {
      const s = await startSocketApp();
      expect(s.slack.callsTo('apps.connections.open')[0]?.token).toBe(APP_TOKEN);

      await expectHelpAcked(s);

      // An order form submitted empty: the ack carries the field errors, the modal stays open.
      const submission = (privateMetadata: string) => ({
        type: 'view_submission',
        team: { id: 'T000FAKE', domain: 'fake' },
        user: { id: 'UOPS', username: 'ops', name: 'ops', team_id: 'T000FAKE' },
        api_app_id: 'A000FAKE',
        token: 'legacy',
        trigger_id: 'trig.1',
        view: {
          id: 'V0001',
          team_id: 'T000FAKE',
          type: 'modal',
          callback_id: 'order_form',
          private_metadata: privateMetadata,
          hash: 'h1',
          state: { values: {} },
          blocks: [],
          title: { type: 'plain_text', text: 'Order inboxes' },
          app_id: 'A000FAKE',
          bot_id: 'BBOT',
        },
        response_urls: [],
      });
      const empty = await s.socket.interactive(
        submission(JSON.stringify({ channelId: 'COPS', personaCount: 1 })),
      );
      const emptyAck = empty.payload as { response_action?: string; errors?: Record<string, string> };
      expect(emptyAck.response_action).toBe('errors');
      expect(Object.keys(emptyAck.errors ?? {})).toContain('customer_email');
      const expired = await s.socket.interactive(submission('not-our-metadata'));
      expect(expired.payload).toMatchObject({
        response_action: 'errors',
        errors: { customer_email: expect.stringContaining('expired') },
      });

      // Events are acked before the listener runs (no payload), and the listener runs.
      const event = await s.socket.event({
        type: 'app_home_opened',
        user: 'UOPS',
        channel: 'DHOME',
        tab: 'home',
        event_ts: `${Date.now() / 1000}`,
      });
      expect(event.payload ?? {}).toEqual({});
      await s.slack.waitFor(() => s.slack.callsTo('views.publish').length > 0, 5000, 'the Home tab');

      // Heartbeats both ways: Slack's pings get pongs, and the app pings Slack.
      expect(await s.socket.ping()).toBeLessThan(RECONNECT_BOUND_MS);
      expect(s.socket.connections).toHaveLength(1);
      expect(s.logs.join('\n')).not.toContain(APP_TOKEN);
    });

    it.each(['refresh_requested', 'link_disabled', 'warning'])(
      'reconnects at once after a disconnect message (%s)',
      async (reason) => {
        const s = await startSocketApp();
        const opens = s.slack.callsTo('apps.connections.open').length;
        const sent = performance.now();
        s.socket.disconnect(reason);
        await expectQuickReconnect(s, 1, opens, reason, sent);
      },
    );

    it('reconnects at once, again and again, after each refresh', async () => {
      const s = await startSocketApp();
      for (let n = 1; n <= 3; n += 1) {
        const opens = s.slack.callsTo('apps.connections.open').length;
        const sent = performance.now();
        s.socket.disconnect('refresh_requested');
        const next = await s.socket.waitForConnection(n + 1, 10_000);
        expect((next.helloAt ?? Number.NaN) - sent).toBeLessThan(RECONNECT_BOUND_MS);
        expect(s.slack.callsTo('apps.connections.open')).toHaveLength(opens + 1);
        // A command sent right after the refresh is answered on the new connection.
        await expectHelpAcked(s);
        await s.socket.waitFor(() => s.socket.openConnections().length === 1, 5000, 'a single connection');
      }
    });

    it('reconnects at once after the TCP connection drops', async () => {
      const s = await startSocketApp();
      const opens = s.slack.callsTo('apps.connections.open').length;
      const dropped = performance.now();
      s.socket.terminate();
      await expectQuickReconnect(s, 1, opens, 'connection_lost', dropped);
    });

    it('reconnects at once after a missed pong, with the generous pong timeout kept', async () => {
      const s = await startSocketApp();
      const opens = s.slack.callsTo('apps.connections.open').length;
      await s.socket.waitFor(
        () => (s.socket.current()?.pingsReceived ?? 0) > 0,
        10_000,
        'a ping from the app',
      );
      const silentSince = performance.now();
      s.socket.setAnswerPings(false);
      const old = s.socket.connections[0] as FakeSocketConnection;
      await s.socket.waitFor(() => old.closedAt !== undefined, 30_000, 'the app to give up on the link');
      s.socket.setAnswerPings(true);
      // 15 s without a pong (pings every 5 s): a busy machine is not taken for a dead link.
      expect((old.closedAt ?? 0) - silentSince).toBeGreaterThan(9000);
      await expectQuickReconnect(s, 1, opens, 'pong_timeout', old.closedAt ?? Number.NaN);
      expect(s.logs.join('\n')).toContain("A pong wasn't received");
    }, 60_000);

    it('backs off while apps.connections.open keeps failing, then recovers', async () => {
      const s = await startSocketApp();
      const opens = s.slack.callsTo('apps.connections.open').length;
      s.slack.failNext('apps.connections.open', { error: 'internal_error', times: 3 });
      const sent = performance.now();
      s.socket.disconnect('refresh_requested');
      const next = await s.socket.waitForConnection(2, 20_000);
      const calls = s.slack.callsTo('apps.connections.open').slice(opens);
      expect(calls).toHaveLength(4);
      expect(calls.slice(0, 3).every((call) => call.failed)).toBe(true);
      // The first attempt is immediate; then 1 s, 2 s, 4 s steps, each jittered down by up to half.
      const gaps = calls.slice(1).map((call, i) => call.at - (calls[i]?.at ?? 0));
      expect(gaps[0]).toBeGreaterThanOrEqual(450);
      expect(gaps[1]).toBeGreaterThanOrEqual(950);
      expect(gaps[2]).toBeGreaterThanOrEqual(1950);
      expect((next.helloAt ?? Number.NaN) - sent).toBeLessThan(7000 + RECONNECT_BOUND_MS);
      expect(s.socket.openConnections().map((c) => c.id)).toEqual([next.id]);
      await expectHelpAcked(s);

      const lines = parsedLogs(s.logs).filter((line) => line.reason === 'refresh_requested');
      expect(lines.filter((line) => line.level === 40).map((line) => line.attempt)).toEqual([1, 2, 3]);
      expect(lines.at(-1)).toMatchObject({
        level: 30,
        attempts: 4,
        msg: 'socket mode reconnected after refresh_requested',
      });
    }, 30_000);

    it('backs off while the new WebSocket is refused, then recovers', async () => {
      const s = await startSocketApp();
      const opens = s.slack.callsTo('apps.connections.open').length;
      s.socket.refuseNextUpgrades(2);
      s.socket.terminate();
      const next = await s.socket.waitForConnection(2, 20_000);
      const calls = s.slack.callsTo('apps.connections.open').slice(opens);
      // Each attempt asks for a fresh URL; the second and third waited.
      expect(calls).toHaveLength(3);
      expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(450);
      expect((calls[2]?.at ?? 0) - (calls[1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
      expect(s.socket.openConnections().map((c) => c.id)).toEqual([next.id]);
      await expectHelpAcked(s);
    }, 30_000);

    it('stops reconnecting and closes the connection when the app stops', async () => {
      const s = await startSocketApp();
      s.slack.failNext('apps.connections.open', { error: 'internal_error', times: Number.POSITIVE_INFINITY });
      const opens = s.slack.callsTo('apps.connections.open').length;
      s.socket.disconnect('refresh_requested');
      await s.slack.waitFor(() => s.slack.callsTo('apps.connections.open').length >= opens + 2, 10_000);
      await s.app.stop();
      app = undefined;
      const after = s.slack.callsTo('apps.connections.open').length;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(s.slack.callsTo('apps.connections.open')).toHaveLength(after);
      expect(s.socket.openConnections()).toEqual([]);
    }, 30_000);

    it('closes its single connection on stop', async () => {
      const s = await startSocketApp();
      await s.app.stop();
      app = undefined;
      await s.socket.waitFor(() => s.socket.openConnections().length === 0, 3000, 'the connection to close');
      expect(s.socket.connections[0]?.closeCode).toBe(1000);
    });
  });
});

describe('reconnectDelayMs', () => {
  it('is immediate before any failure, then doubles with jitter up to the cap', () => {
    expect(reconnectDelayMs(0)).toBe(0);
    const low = (n: number) => reconnectDelayMs(n, DEFAULT_RECONNECT_POLICY, () => 0);
    const high = (n: number) => reconnectDelayMs(n, DEFAULT_RECONNECT_POLICY, () => 1);
    expect([1, 2, 3, 4].map(high)).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map(low)).toEqual([500, 1000, 2000, 4000]);
    expect(high(50)).toBe(DEFAULT_RECONNECT_POLICY.maxDelayMs);
    expect(low(50)).toBe(DEFAULT_RECONNECT_POLICY.maxDelayMs / 2);
  });
});

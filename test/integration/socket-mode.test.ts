import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPeekerApp, type PeekerApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { deliverWebhook, FakePeeker, makeEvent } from '../fakes/fake-peeker.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { testEnv, WEBHOOK_SECRET } from '../helpers/harness.js';

let app: PeekerApp | undefined;
let slack: FakeSlack | undefined;
let peeker: FakePeeker | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.stop();
  await slack?.stop();
  await peeker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  app = undefined;
});

describe('Socket Mode', () => {
  it('connects with the app-level token in the background while webhooks, /healthz and /metrics listen on PORT', async () => {
    slack = await FakeSlack.start();
    peeker = await FakePeeker.start();
    dir = mkdtempSync(join(tmpdir(), 'peeker-socket-'));
    const env = testEnv({ slack, peeker, databasePath: join(dir, 'db.sqlite') });
    delete env.SLACK_SIGNING_SECRET;
    const config = loadConfig({ ...env, SLACK_APP_TOKEN: 'xapp-1-A000FAKE-123-abc' });
    expect(config.slack.mode).toBe('socket');
    const logs: string[] = [];
    app = createPeekerApp({ config, logWrite: (line) => logs.push(line) });
    await app.start();
    const base = `http://127.0.0.1:${app.port()}`;

    // Bolt asked Slack for a WebSocket URL with the xapp- token (the fake cannot serve one; the
    // app keeps retrying in the background instead of failing start-up).
    const open = await slack.waitFor(() => slack?.callsTo('apps.connections.open')[0]);
    expect(open.token).toBe('xapp-1-A000FAKE-123-abc');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect((await fetch(`${base}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    const event = makeEvent('swap.created', { id: 'swp_1' });
    expect((await deliverWebhook(`${base}/peeker/webhooks`, event, { secret: WEBHOOK_SECRET })).status).toBe(
      200,
    );
    expect(logs.join('\n')).not.toContain('xapp-1-A000FAKE-123-abc');
  });
});

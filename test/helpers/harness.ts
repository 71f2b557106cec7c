import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPeekerApp, type PeekerApp, type PeekerAppOptions } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { deliverWebhook, FakePeeker } from '../fakes/peeker/index.js';
import { settleApp } from './settle-app.js';
import {
  FORM_CONTENT_TYPE,
  interactionForm,
  parseAck,
  SIGNING_SECRET,
  signedSlackPost,
  slashCommandForm,
} from './slack-requests.js';

export { SIGNING_SECRET };
export const WEBHOOK_SECRET = 'whsec_test_primary_secret';
export const BOT_TOKEN = 'xoxb-test-bot-token-123';

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Reuse a database file (restart tests). */
  databasePath?: string;
  slack?: FakeSlack;
  peeker?: FakePeeker;
  /** Extra options for `createPeekerApp` (timing knobs). */
  app?: Omit<PeekerAppOptions, 'config' | 'logWrite'>;
}

export interface CommandResult {
  status: number;
  /** The acknowledgement body (what the user sees first). */
  ack: { text?: string; blocks?: unknown[]; response_type?: string } | undefined;
  /** Key of the `response_url` given to this command (see `fakeSlack.responsesFor`). */
  responseKey: string;
}

/**
 * Starts the real app (composition root, real Bolt HTTP receiver, real SQLite file, real ofetch
 * client) on an ephemeral port against in-process fakes of Slack's Web API and of Peeker, and
 * drives it through signed HTTP requests like Slack and Peeker would.
 */
export class Harness {
  private constructor(
    readonly app: PeekerApp,
    readonly slack: FakeSlack,
    readonly peeker: FakePeeker,
    readonly config: Config,
    readonly logs: string[],
    private readonly ownsFakes: boolean,
    private readonly tempDir: string | undefined,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const slack = options.slack ?? (await FakeSlack.start());
    const peeker = options.peeker ?? (await FakePeeker.start());
    const tempDir = options.databasePath ? undefined : mkdtempSync(join(tmpdir(), 'peeker-test-'));
    const config = loadConfig(
      testEnv({
        slack,
        peeker,
        databasePath: options.databasePath ?? join(tempDir ?? '', 'db.sqlite'),
        env: options.env,
      }),
    );
    const logs: string[] = [];
    const app = createPeekerApp({ ...options.app, config, logWrite: (line) => logs.push(line) });
    await app.start();
    return new Harness(app, slack, peeker, config, logs, !options.slack && !options.peeker, tempDir);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.app.port()}`;
  }

  /** Sends `/peeker <text>` as Slack would: form-encoded and signed. */
  async command(
    text: string,
    options: { user?: string; channel?: string; triggerId?: string; responseKey?: string } = {},
  ): Promise<CommandResult> {
    const responseKey = options.responseKey ?? randomBytes(6).toString('hex');
    const body = slashCommandForm({
      text,
      responseUrl: this.slack.responseUrl(responseKey),
      channel: options.channel,
      user: options.user,
      triggerId: options.triggerId,
    });
    const response = await this.signedPost('/slack/events', body, FORM_CONTENT_TYPE);
    const ack = parseAck<NonNullable<CommandResult['ack']>>(await response.text());
    return { status: response.status, ack, responseKey };
  }

  /** Sends an interactivity payload (block_actions, view_submission…) as Slack would. */
  async interact(payload: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const response = await this.signedPost('/slack/events', interactionForm(payload), FORM_CONTENT_TYPE);
    const raw = await response.text();
    let parsed: unknown;
    try {
      parsed = raw ? JSON.parse(raw) : undefined;
    } catch {
      parsed = raw;
    }
    return { status: response.status, body: parsed };
  }

  /** Sends an Events API callback (JSON, signed), e.g. `app_home_opened`. */
  async event(event: Record<string, unknown>): Promise<number> {
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T000FAKE',
      api_app_id: 'A000FAKE',
      type: 'event_callback',
      event_id: `Ev${randomBytes(6).toString('hex')}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T000FAKE', user_id: 'UBOT', is_bot: true }],
      event,
    });
    const response = await this.signedPost('/slack/events', body, 'application/json');
    return response.status;
  }

  /** POSTs `body` to `path` of the app, signed as Slack would sign it. */
  async signedPost(
    path: string,
    body: string,
    contentType: string,
    secret = SIGNING_SECRET,
  ): Promise<Response> {
    return signedSlackPost(`${this.baseUrl}${path}`, body, contentType, secret);
  }

  /** Delivers a signed Peeker webhook to the app. */
  webhook(
    event: object | string,
    options: Partial<Parameters<typeof deliverWebhook>[2]> = {},
  ): Promise<{ status: number; body: string }> {
    return deliverWebhook(`${this.baseUrl}/peeker/webhooks`, event, { secret: WEBHOOK_SECRET, ...options });
  }

  /** Waits until commands, webhook events and the Slack outbox have nothing left to do now. */
  settle(timeoutMs = 10_000): Promise<void> {
    return settleApp(this.app, timeoutMs);
  }

  /** The ephemeral answers the requester got through the command's response_url. */
  responses(key: string): { text?: string; blocks?: unknown[] }[] {
    return this.slack
      .responsesFor(key)
      .map((response) => response.body as { text?: string; blocks?: unknown[] });
  }

  async stop(options: { keepFakes?: boolean } = {}): Promise<void> {
    await this.app.stop();
    if (this.ownsFakes && !options.keepFakes) {
      await this.slack.stop();
      await this.peeker.stop();
    }
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/** The environment a test app runs with (HTTP mode, fakes, fast cron). */
export function testEnv(options: {
  slack: FakeSlack;
  peeker: FakePeeker;
  databasePath: string;
  env?: Record<string, string> | undefined;
}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: options.slack.url,
    PEEKER_API_KEY: options.peeker.apiKey,
    PEEKER_API_URL: options.peeker.url,
    PEEKER_WEBHOOK_SECRET: WEBHOOK_SECRET,
    DATABASE_PATH: options.databasePath,
    PORT: '0',
    // Ticks are driven by tests (pollOnce); the schedule is set far away so it never interferes.
    POLL_CRON: '0 0 1 1 *',
    IMPORT_POLL_INTERVAL_SECONDS: '60',
    LOG_LEVEL: 'debug',
    // The app's own DNS checks never reach the machine's resolvers from tests: by default they go
    // to a closed local port and fail at once ("couldn't check just now", which never edits a
    // message by itself). DNS tests point this at a fake DNS server (test/fakes/fake-dns.ts).
    DNS_RESOLVERS: '127.0.0.1:1',
    ...options.env,
  };
}

/** Text of a Slack message (its fallback and every text inside its blocks), for assertions. */
export function allText(
  message: { text?: string | undefined; blocks?: unknown[] | undefined } | undefined,
): string {
  if (!message) return '';
  return `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}`;
}

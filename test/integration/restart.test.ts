import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack, type SlackMessage } from '../fakes/fake-slack.js';
import {
  deliverWebhook,
  FakePeeker,
  type ImportObject,
  importEventData,
  makeEvent,
  type WebhookEvent,
} from '../fakes/peeker/index.js';
import {
  type AppProcess,
  ChildApps,
  childEnv,
  health,
  queuesEmpty,
  sendCommand,
  waitUntil,
  withDb,
} from '../helpers/child-app.js';
import { allText, WEBHOOK_SECRET } from '../helpers/harness.js';

// ---- child-process helpers --------------------------------------------------------------------
//
// The app runs in a child process (see test/helpers/child-app.ts), so that `kill -9` really gives
// it no chance to flush, close or finish anything.

/** Every child started by the current test; afterEach kills whatever is still alive. */
const apps = new ChildApps();

function sendWebhook(app: AppProcess, event: WebhookEvent): Promise<{ status: number; body: string }> {
  return deliverWebhook(`${app.baseUrl}/peeker/webhooks`, event, { secret: WEBHOOK_SECRET });
}

/** Waits until the child has no queued Slack work, no pending webhook event and no unfinished command. */
async function settled(app: AppProcess, timeoutMs = 15_000): Promise<void> {
  await waitUntil(() => queuesEmpty(app), 'every queue of the app to be empty', { timeoutMs, app });
}

interface EventRow {
  event_id: string;
  status: string;
  outcome: string | null;
}

function webhookRows(path: string): Map<string, EventRow> {
  return withDb(
    path,
    (db) =>
      new Map(
        db
          .prepare<[], EventRow>('SELECT event_id, status, outcome FROM webhook_events')
          .all()
          .map((row) => [row.event_id, row]),
      ),
  );
}

const textOf = (message: SlackMessage | undefined) => allText(message);
const isVerified = (message: SlackMessage | undefined) => textOf(message).includes('✅ DNS verified');
const isWaitingOnRegistrar = (message: SlackMessage | undefined) =>
  // Not just "registrar": the first instructions already say "…at the registrar where…".
  textOf(message).includes('Waiting on the registrar');

// ---- fixtures ---------------------------------------------------------------------------------

const CUSTOMER = 'CCUST';
const DOMAINS = ['acme-mail.com', 'team-acme.com'];
const IMPORT_TEXT = `import ${DOMAINS.join(' ')} in <#${CUSTOMER}|acme-shared>`;

let slack: FakeSlack;
let peeker: FakePeeker;
let tempDir: string;
let databasePath: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  slack = await FakeSlack.start();
  peeker = await FakePeeker.start();
  tempDir = mkdtempSync(join(tmpdir(), 'peeker-restart-'));
  databasePath = join(tempDir, 'db.sqlite');
  // Poll every second, and re-check an import one second after it was submitted.
  env = childEnv(slack, peeker, databasePath, { IMPORT_POLL_INTERVAL_SECONDS: '1' });
});

afterEach(async () => {
  // Kill every child still alive, even when the test failed half-way.
  await apps.killAll();
  await slack.stop();
  await peeker.stop();
  rmSync(tempDir, { recursive: true, force: true });
});

/**
 * `/peeker import` of two domains into the customer channel, until the instructions are posted.
 * With `waitForAnswer` it also waits until the requester was told (the command is finished).
 */
async function importAndPost(
  app: AppProcess,
  options: { waitForAnswer: boolean },
): Promise<{ importId: string; parent: SlackMessage; responseKey: string }> {
  const result = await sendCommand(app, slack, IMPORT_TEXT);
  expect(result.status).toBe(200);
  const parent = await slack.waitFor(
    () => slack.messagesIn(CUSTOMER)[0],
    10_000,
    'the nameserver instructions in the customer channel',
  );
  const importId = await peeker.waitFor(() => [...peeker.imports.keys()][0], 5_000, 'the import at Peeker');
  if (options.waitForAnswer) {
    await slack.waitFor(
      () => slack.responsesFor(result.responseKey).length > 0,
      10_000,
      'the answer to the requester',
    );
    await settled(app);
  }
  return { importId, parent, responseKey: result.responseKey };
}

/** A `domain_import.completed` webhook that announces the DNS change (a later `completed_at`). */
function completedEvent(current: ImportObject): WebhookEvent {
  return makeEvent('domain_import.completed', {
    ...importEventData(current),
    status: 'completed',
    completed_at: '2030-01-01T00:00:00Z',
  });
}

function actionRequiredEvent(current: ImportObject): WebhookEvent {
  return makeEvent('domain_import.action_required', {
    ...importEventData(current),
    status: 'action_required',
  });
}

// ---- scenarios --------------------------------------------------------------------------------

describe('crash and restart on the same SQLite database', { timeout: 60_000 }, () => {
  it('keeps polling a pending import after kill -9, without posting the instructions again', async () => {
    const first = await apps.start(env);
    // Killed as soon as the parent exists: the command may not even have answered yet.
    const { importId, parent } = await importAndPost(first, { waitForAnswer: false });
    await apps.kill9(first);

    const restartedAt = Date.now();
    const second = await apps.start(env);

    peeker.setImport(importId, { status: 'action_required' });
    await slack.waitFor(
      () => isWaitingOnRegistrar(slack.message(CUSTOMER, parent.ts)),
      15_000,
      'the parent to show the registrar wait',
    );

    peeker.setImport(importId, { status: 'completed', completed_at: '2030-01-01T00:00:00Z' });
    await slack.waitFor(
      () => isVerified(slack.message(CUSTOMER, parent.ts)),
      15_000,
      'the parent to show DNS verified',
    );
    await settled(second);

    expect(slack.messagesIn(CUSTOMER)).toHaveLength(1);
    const polls = peeker
      .requestsTo('GET', `/domains/import/${importId}`)
      .filter((request) => request.at >= restartedAt);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    // Imported once, before the crash.
    expect(peeker.requests.filter((r) => r.method === 'POST' && r.path === '/domains/import')).toHaveLength(
      1,
    );

    const replies = slack.replies(CUSTOMER, parent.ts).map((reply) => reply.text ?? '');
    expect(replies.filter((text) => text.includes('Still waiting on the registrar'))).toHaveLength(1);
    expect(replies.filter((text) => text.includes('DNS verified'))).toHaveLength(1);
  });

  it('does not post the instructions twice when the post landed just before the crash', async () => {
    const first = await apps.start(env);
    const { parent } = await importAndPost(first, { waitForAnswer: true });
    await apps.kill9(first);

    // Play the worst moment of the crash: Slack had the message, but the process died before it
    // recorded the answer (the row is still "posting", with no ts).
    const rewound = withDb(
      databasePath,
      (db) =>
        db
          .prepare(
            "UPDATE slack_messages SET state = 'posting', ts = NULL, sent_version = 0, content_hash = NULL, posting_since = created_at WHERE state = 'posted'",
          )
          .run().changes,
    );
    expect(rewound).toBe(1);

    const second = await apps.start(env);
    await settled(second);

    expect(slack.messagesIn(CUSTOMER)).toHaveLength(1);
    expect(slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(1);
    const row = withDb(
      databasePath,
      (db) => db.prepare('SELECT state, ts FROM slack_messages').get() as { state: string; ts: string },
    );
    expect(row).toEqual({ state: 'posted', ts: parent.ts });
  });

  it('applies a webhook event that was stored but not applied when the process died', async () => {
    const first = await apps.start(env);
    const { importId, parent } = await importAndPost(first, { waitForAnswer: true });
    await apps.kill9(first);

    // Stored (acknowledged to Peeker) but never applied: written straight into the table.
    const event = completedEvent(peeker.getImport(importId)!);
    withDb(databasePath, (db) => {
      db.prepare(
        'INSERT INTO webhook_events (event_id, type, payload, event_created_at, received_at) VALUES (?, ?, ?, ?, ?)',
      ).run(event.id, event.type, JSON.stringify(event), event.created_at, Date.now());
    });
    expect(webhookRows(databasePath).get(event.id)?.status).toBe('pending');
    expect(isVerified(slack.message(CUSTOMER, parent.ts))).toBe(false);

    const second = await apps.start(env);
    await slack.waitFor(
      () => isVerified(slack.message(CUSTOMER, parent.ts)),
      15_000,
      'the parent to show DNS verified',
    );
    await settled(second);

    expect(slack.messagesIn(CUSTOMER)).toHaveLength(1);
    const replies = slack.replies(CUSTOMER, parent.ts).map((reply) => reply.text ?? '');
    expect(replies.filter((text) => text.includes('DNS verified'))).toHaveLength(1);
    expect(webhookRows(databasePath).get(event.id)?.status).toBe('applied');
  });

  it('finishes an acknowledged command after kill -9 without importing twice', async () => {
    const first = await apps.start(env);
    peeker.setLatencyFor({ method: 'POST', path: '/domains/import' }, 3000);

    const result = await sendCommand(first, slack, IMPORT_TEXT);
    expect(result.status).toBe(200);
    expect(result.ack?.text).toContain('Importing 2 domains');
    await peeker.waitFor(
      () => peeker.requests.some((r) => r.method === 'POST' && r.path === '/domains/import'),
      5_000,
      'the import request to reach Peeker',
    );
    await apps.kill9(first);

    // Peeker goes on with the request although its client is gone (as a real server would): the
    // import exists, but its answer was lost with the process.
    const [submission] = peeker.requests.filter((r) => r.method === 'POST' && r.path === '/domains/import');
    await peeker.waitFor(() => submission?.status === 200, 10_000, 'Peeker to finish the orphaned import');
    expect(peeker.imports.size).toBe(1);
    const accepted = [...peeker.imports.values()][0]!;
    peeker.setLatencyFor({ method: 'POST', path: '/domains/import' }, 0);

    const restartedAt = Date.now();
    const second = await apps.start(env);
    const answer = await slack.waitFor(
      () => slack.responsesFor(result.responseKey).find((r) => JSON.stringify(r.body).includes('<#CCUST>')),
      15_000,
      'the requester to be told where the instructions went',
    );
    expect(JSON.stringify(answer.body)).toContain('Posted the nameserver instructions');
    await settled(second);

    expect(second.logs.some((line) => line.msg === 'resuming unfinished commands')).toBe(true);
    const lookups = peeker
      .requestsTo('GET', '/domains/import')
      .filter((r) => r.path === '/domains/import' && r.at >= restartedAt);
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(lookups[0]?.query.domains?.split(',').sort()).toEqual(DOMAINS);
    expect(peeker.requests.filter((r) => r.method === 'POST' && r.path === '/domains/import')).toHaveLength(
      1,
    );
    expect(peeker.requestsTo('POST', '/domains/import/jobs')).toHaveLength(0);
    expect(peeker.imports.size).toBe(1);

    const parents = slack.messagesIn(CUSTOMER);
    expect(parents).toHaveLength(1);
    expect(textOf(parents[0])).toContain('helena.ns.cloudflare.com');
    // The command is done: a third start resumes nothing.
    withDb(databasePath, (db) => {
      const rows = db.prepare('SELECT status FROM commands').all() as { status: string }[];
      expect(rows).toEqual([{ status: 'done' }]);
      const imported = db.prepare('SELECT id FROM imports').all() as { id: string }[];
      expect(imported).toEqual([{ id: accepted.id }]);
    });
  });

  it('survives kill -9 in the middle of a burst of webhooks', async () => {
    const first = await apps.start(env);
    const { importId, parent } = await importAndPost(first, { waitForAnswer: true });
    const current = peeker.getImport(importId)!;
    // 50 events with distinct IDs: registrar waits and completions, interleaved.
    const events = Array.from({ length: 50 }, (_, index) =>
      index % 2 === 0 ? actionRequiredEvent(current) : completedEvent(current),
    );

    const acked = new Set<string>();
    let killed = false;
    const firstRound = await Promise.allSettled(
      events.map(async (event) => {
        const { status } = await sendWebhook(first, event);
        if (status >= 200 && status < 300) acked.add(event.id);
        if (acked.size >= 3 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
        return status;
      }),
    );
    await apps.kill9(first);
    expect(acked.size).toBeGreaterThanOrEqual(3);
    // Anything that was not a 2xx is a failed delivery (connection reset), never a 4xx/5xx.
    for (const outcome of firstRound) {
      if (outcome.status === 'fulfilled') expect(outcome.value).toBe(200);
    }

    // Nothing acknowledged is lost: every 2xx is in the table right after the crash.
    const afterCrash = webhookRows(databasePath);
    for (const id of acked) expect(afterCrash.has(id), `event ${id} answered 2xx`).toBe(true);

    const second = await apps.start(env);
    // Peeker redelivers; the worst case is that it redelivers every event.
    const secondRound = await Promise.all(events.map((event) => sendWebhook(second, event)));
    expect(secondRound.map((r) => r.status)).toEqual(events.map(() => 200));

    await slack.waitFor(
      () => isVerified(slack.message(CUSTOMER, parent.ts)),
      15_000,
      'the parent to show DNS verified',
    );
    await settled(second);

    expect(slack.messagesIn(CUSTOMER)).toHaveLength(1);
    expect(isVerified(slack.message(CUSTOMER, parent.ts))).toBe(true);
    const replies = slack.replies(CUSTOMER, parent.ts).map((reply) => reply.text ?? '');
    expect(replies.filter((text) => text.includes('DNS verified'))).toHaveLength(1);
    expect(replies.filter((text) => text.includes('waiting on the registrar')).length).toBeLessThanOrEqual(1);

    const rows = webhookRows(databasePath);
    expect(rows.size).toBe(events.length);
    for (const event of events) {
      expect(rows.get(event.id)?.status, `status of ${event.id}`).toBe('applied');
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    const app = await apps.start(env);
    await importAndPost(app, { waitForAnswer: true });

    const sentAt = Date.now();
    app.child.kill('SIGTERM');
    const exit = await Promise.race([
      app.exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 8_000)),
    ]);
    apps.forget(app);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - sentAt).toBeLessThan(8_000);
    const messages = app.logs.map((line) => line.msg);
    expect(messages).toContain('shutting down');
    expect(messages.at(-1)).toBe('stopped');
    // The database was closed: SQLite checkpoints and removes the WAL file on the last close.
    expect(existsSync(`${databasePath}-wal`)).toBe(false);

    // And it starts again on the same database, healthy.
    const again = await apps.start(env);
    expect((await health(again)).status).toBe('ok');
  });
});

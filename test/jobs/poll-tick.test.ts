import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checksPerTick, createPollTick } from '../../src/jobs/poll-tick.js';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { createPeekerClient, type PeekerClient } from '../../src/peeker/client.js';
import { BundleCache } from '../../src/services/bundle-cache.js';
import { createImportTracker } from '../../src/services/import-tracker.js';
import { createOrderTracker } from '../../src/services/order-tracker.js';
import { type CommandsRepo, createCommandsRepo } from '../../src/store/commands-repo.js';
import { openDatabase } from '../../src/store/database.js';
import { createImportsRepo, type ImportRecord, type ImportsRepo } from '../../src/store/imports-repo.js';
import { createOrderActionsRepo, type OrderActionsRepo } from '../../src/store/order-actions-repo.js';
import { createOrderDraftsRepo } from '../../src/store/order-drafts-repo.js';
import { createOrdersRepo, type OrderRecord, type OrdersRepo } from '../../src/store/orders-repo.js';
import { createSlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { createStorageHealth } from '../../src/store/storage-health.js';
import { createTasksRepo, type TasksRepo } from '../../src/store/tasks-repo.js';
import { createWebhookEventsRepo, type WebhookEventsRepo } from '../../src/store/webhook-events-repo.js';
import { FAKE_BUNDLE_IDS, FakePeeker } from '../fakes/peeker/index.js';

const DAY = 24 * 3600_000;

describe('checksPerTick', () => {
  const budget = (o: { rateShare: number; rateLimitPerMinute: number; periodMs: number }) =>
    o.rateShare * o.rateLimitPerMinute * 0.95 * (Math.min(o.periodMs, 60_000) / 60_000);

  it('a one-minute tick gets its share of the limit, kept under the limiter’s 95% with room to spare', () => {
    const options = { rateShare: 0.5, rateLimitPerMinute: 600, periodMs: 60_000 };
    const checks = checksPerTick(options);
    expect(Number.isInteger(checks)).toBe(true);
    expect(checks).toBeLessThan(budget(options)); // never the whole budget: ticks would run into each other
    expect(checks).toBeGreaterThanOrEqual(Math.floor(0.9 * budget(options)));
    expect(checks).toBeLessThanOrEqual(256); // README: "≤ 256 GETs per minute" at the defaults
  });

  it('a 10-second tick gets a sixth of the one-minute figure', () => {
    const minute = checksPerTick({ rateShare: 0.5, rateLimitPerMinute: 600, periodMs: 60_000 });
    const tenSeconds = checksPerTick({ rateShare: 0.5, rateLimitPerMinute: 600, periodMs: 10_000 });
    expect(tenSeconds).toBeGreaterThanOrEqual(Math.floor(minute / 6) - 1);
    expect(tenSeconds).toBeLessThanOrEqual(Math.ceil(minute / 6));
  });

  it('scales with the share and the limit, never exceeds one minute’s worth, and is at least 1', () => {
    const base = { rateShare: 0.5, rateLimitPerMinute: 600, periodMs: 60_000 };
    expect(checksPerTick({ ...base, rateShare: 1 })).toBeGreaterThan(checksPerTick(base));
    expect(checksPerTick({ ...base, rateShare: 0.25 })).toBeLessThan(checksPerTick(base));
    expect(checksPerTick({ ...base, rateLimitPerMinute: 1200 })).toBeGreaterThan(checksPerTick(base));
    expect(checksPerTick({ ...base, periodMs: 5 * 60_000 })).toBe(checksPerTick(base));
    expect(checksPerTick({ rateShare: 0.01, rateLimitPerMinute: 10, periodMs: 1000 })).toBe(1);
    for (const periodMs of [1000, 10_000, 30_000, 60_000]) {
      for (const rateShare of [0.1, 0.5, 1]) {
        const options = { rateShare, rateLimitPerMinute: 600, periodMs };
        expect(checksPerTick(options)).toBeLessThanOrEqual(Math.max(1, budget(options)));
      }
    }
  });
});

describe('createPollTick (against the fake Peeker)', () => {
  let fake: FakePeeker;
  beforeAll(async () => {
    fake = await FakePeeker.start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  let imports: ImportsRepo;
  let orders: OrdersRepo;
  let actions: OrderActionsRepo;
  let tasks: TasksRepo;
  let commands: CommandsRepo;
  let webhookEvents: WebhookEventsRepo;
  let peeker: PeekerClient;
  let bundles: BundleCache;
  let tick: (maxChecksPerTick: number) => Promise<{ checked: number; ordersChecked: number }>;

  beforeEach(() => {
    fake.reset();
    const db = openDatabase(':memory:');
    imports = createImportsRepo(db);
    orders = createOrdersRepo(db);
    actions = createOrderActionsRepo(db);
    tasks = createTasksRepo(db);
    commands = createCommandsRepo(db);
    webhookEvents = createWebhookEventsRepo(db);
    const outbox = createSlackOutboxRepo(db);
    const logger = createLogger({ level: 'debug', scrubber: new SecretScrubber([]), write: () => undefined });
    peeker = createPeekerClient({
      baseUrl: fake.url,
      apiKey: fake.apiKey,
      timeoutMs: 5000,
      rateLimitPerMinute: 60_000,
      logger,
      maxAttempts: 1,
    });
    bundles = new BundleCache(peeker, Date.now);
    const importTracker = createImportTracker({ db, imports, outbox, pollIntervalSeconds: 60 });
    const orderTracker = createOrderTracker({
      db,
      drafts: createOrderDraftsRepo(db),
      orders,
      actions,
      outbox,
      tasks,
    });
    tick = (maxChecksPerTick) =>
      createPollTick({
        imports,
        orders,
        tasks,
        commands,
        webhookEvents,
        importTracker,
        orderTracker,
        bundles,
        peeker,
        throttle: peeker.http.createThrottle(1),
        maxChecksPerTick,
        storage: createStorageHealth(db),
        resumeStalled: () => undefined,
        logger,
        now: Date.now,
        signal: new AbortController().signal,
      })();
  });

  /** Orders placed in the fake Peeker and recorded here as quiet for a while (most overdue first). */
  async function dueOrders(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const { data } = await peeker.orders.create({
        user: `customer${i}@acme.com`,
        bundle_id: FAKE_BUNDLE_IDS.starter,
        sequencer: { provider: 'smartlead', client_id: 1, login_email: 'ops@acme.com', login_password: 'pw' },
        forwarding_url: 'https://acme.com',
        domains: [`a${i}.com`, `b${i}.com`],
        personas: [
          { first_name: 'Alex', last_name: 'Rivera', profile_picture_url: 'https://cdn.acme.com/a.jpg' },
        ],
      });
      const now = Date.now();
      const record: OrderRecord = {
        id: data.id,
        draftId: null,
        channelId: 'COPS',
        audience: 'ops',
        placedBy: 'UOPS',
        customerEmail: `customer${i}@acme.com`,
        bundleId: FAKE_BUNDLE_IDS.starter,
        bundleName: null,
        domainCount: 2,
        status: 'in_progress',
        statusChangedAt: null,
        totalCents: null,
        currency: null,
        sandbox: true,
        request: {
          user: `customer${i}@acme.com`,
          bundle_id: FAKE_BUNDLE_IDS.starter,
          sequencer: { provider: 'smartlead', client_id: 1, login_email: 'ops@acme.com' },
          forwarding_url: 'https://acme.com',
          domains: [`a${i}.com`, `b${i}.com`],
          personas: [],
        },
        failureReason: null,
        createdAt: now - 3600_000,
        updatedAt: now - 3600_000,
        lastEventAt: null,
        nextReconcileAt: now - 60_000 * (count - i),
      };
      orders.insert(record, record.request.domains);
      ids.push(data.id);
    }
    fake.clearRequests();
    return ids;
  }

  /** Imports the fake Peeker has and that are due for a re-check here. */
  function dueImports(count: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const peekerImport = fake.addImport([`imported${i}.com`]);
      const now = Date.now();
      const record: ImportRecord = {
        id: peekerImport.id,
        kind: 'sync',
        commandId: null,
        batch: null,
        channelId: 'CCUST',
        requestedBy: 'UOPS',
        phase: 'awaiting_dns',
        peekerStatus: 'completed',
        nameserverGroups: [],
        handoffCompletedAt: null,
        failureReason: null,
        submittedAt: now - 3600_000,
        nameserversAt: now - 3600_000,
        waitingSince: null,
        finishedAt: null,
        updatedAt: now - 3600_000,
        nextCheckAt: now - 1000 * (count - i),
        lastCheckedAt: null,
        checkFailures: 0,
      };
      imports.insert(record, [
        { domain: `imported${i}.com`, position: 0, state: 'pending', failureReason: null },
      ]);
      ids.push(peekerImport.id);
    }
    fake.clearRequests();
    return ids;
  }

  const orderGets = () => fake.requestsTo('GET', /^\/orders\/ord_[^/]+$/);
  const importGets = () => fake.requestsTo('GET', /^\/domains\/import\/[^/]+$/);

  it('gives the order reconcile a quarter of the checks, most overdue first, through the state machine', async () => {
    const ids = await dueOrders(6);
    const [first] = ids;
    fake.setOrder(first!, { status: 'completed' });
    const result = await tick(8);
    expect(result.ordersChecked).toBe(2);
    expect(orderGets().map((r) => r.path)).toEqual(ids.slice(0, 2).map((id) => `/orders/${id}`));
    expect(orders.get(first!)?.status).toBe('completed');
    expect(orders.get(first!)?.nextReconcileAt).toBeNull();
    // The ones it did not get to are still due for the next tick.
    expect(orders.dueForReconcile(Date.now(), 10).map((o) => o.id)).toEqual(ids.slice(2));
  });

  it('reconciles at least one order even on the smallest budget', async () => {
    await dueOrders(3);
    expect((await tick(3)).ordersChecked).toBe(1);
    expect(orderGets()).toHaveLength(1);
  });

  it('re-checks the imports that are due', async () => {
    const ids = dueImports(3);
    const result = await tick(8);
    expect(result.checked).toBe(3);
    expect(
      importGets()
        .map((r) => r.path)
        .sort(),
    ).toEqual(ids.map((id) => `/domains/import/${id}`).sort());
    for (const id of ids) expect(imports.get(id)?.lastCheckedAt).not.toBeNull();
  });

  /** Reconciles and tasks come out of the tick's budget: imports get what is left, not the whole. */
  it('a busy tick never makes more checks than its budget', async () => {
    await dueOrders(6);
    dueImports(10);
    await tick(8);
    expect(orderGets().length + importGets().length).toBeLessThanOrEqual(8);
  });

  it('runs the queued follow-up tasks and keeps the bundle list warm', async () => {
    const [orderId] = await dueOrders(1);
    const action = fake.addPendingAction(orderId!);
    tasks.enqueue('order.fetch_pending', orderId!, 'evt_1', Date.now(), Date.now());
    await tick(8);
    expect(actions.get(action.id)?.status).toBe('open');
    expect(tasks.pendingCount()).toBe(0);
    await fake.waitFor(() => bundles.peek(), 2000, 'the bundle cache to be filled');
    expect(bundles.peek()?.map((b) => b.id)).toContain(FAKE_BUNDLE_IDS.starter);
  });

  it('prunes old settled rows and keeps what it must', async () => {
    const now = Date.now();
    const old = now - 40 * DAY;
    webhookEvents.store({ eventId: 'evt_old', type: 'x', payload: '{}', createdAt: null, receivedAt: old });
    webhookEvents.settle('evt_old', 'applied', 'ok', old);
    webhookEvents.store({
      eventId: 'evt_old_pending',
      type: 'x',
      payload: '{}',
      createdAt: null,
      receivedAt: old,
    });
    webhookEvents.store({
      eventId: 'evt_recent',
      type: 'x',
      payload: '{}',
      createdAt: null,
      receivedAt: now,
    });
    webhookEvents.settle('evt_recent', 'applied', 'ok', now);

    const newCommand = (key: string, at: number) =>
      commands.record({
        dedupeKey: key,
        kind: 'import',
        userId: 'U',
        teamId: null,
        originChannelId: 'C',
        responseUrl: null,
        args: {},
        now: at,
      }).command;
    const oldDone = newCommand('old-done', old);
    commands.finish(oldDone.id, 'x', old);
    const oldPending = newCommand('old-pending', old);

    tasks.enqueue('k', 's', 'task-old-done', old, old);
    tasks.enqueue('k', 's', 'task-recent-done', now, now);
    for (const task of tasks.due(now, 10)) tasks.done(task.id);

    await tick(8);

    expect(webhookEvents.get('evt_old')).toBeUndefined();
    expect(webhookEvents.get('evt_old_pending')).toBeDefined();
    expect(webhookEvents.get('evt_recent')).toBeDefined();
    expect(commands.get(oldDone.id)).toBeUndefined();
    expect(commands.get(oldPending.id)).toBeDefined();
    expect(tasks.enqueue('k', 's', 'task-old-done', now, now)).toBe(true); // forgotten
    expect(tasks.enqueue('k', 's', 'task-recent-done', now, now)).toBe(false); // kept
    await fake.waitFor(() => bundles.peek(), 2000);
  });
});

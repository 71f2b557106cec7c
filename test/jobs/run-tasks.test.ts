import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runTasks } from '../../src/jobs/run-tasks.js';
import { createLogger, type Logger, SecretScrubber } from '../../src/logger.js';
import { createPeekerClient, type PeekerClient } from '../../src/peeker/client.js';
import { createOrderTracker, type OrderTracker } from '../../src/services/order-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { createOrderActionsRepo, type OrderActionsRepo } from '../../src/store/order-actions-repo.js';
import { createOrderDraftsRepo } from '../../src/store/order-drafts-repo.js';
import { createOrdersRepo, type OrderRecord } from '../../src/store/orders-repo.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { createTasksRepo, type TasksRepo } from '../../src/store/tasks-repo.js';
import { FakePeeker } from '../fakes/peeker/index.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const ORDER = 'ord_1';

let fake: FakePeeker;
beforeAll(async () => {
  fake = await FakePeeker.start();
});
afterAll(async () => {
  await fake.stop();
});

let tasks: TasksRepo;
let actions: OrderActionsRepo;
let outbox: SlackOutboxRepo;
let tracker: OrderTracker;
let peeker: PeekerClient;
let logger: Logger;
let logs: string[];
let clock: number;

function orderRecord(): OrderRecord {
  return {
    id: ORDER,
    draftId: null,
    channelId: 'COPS',
    audience: 'ops',
    placedBy: 'UOPS',
    customerEmail: 'alex@acme.com',
    bundleId: 'bun_1',
    bundleName: null,
    domainCount: 2,
    status: 'action_required',
    statusChangedAt: null,
    totalCents: null,
    currency: null,
    sandbox: true,
    request: {
      user: 'alex@acme.com',
      bundle_id: 'bun_1',
      sequencer: { provider: 'smartlead', client_id: 1, login_email: 'ops@acme.com' },
      forwarding_url: 'https://acme.com',
      domains: ['acme-mail.com', 'team-acme.com'],
      personas: [],
    },
    failureReason: null,
    createdAt: T0,
    updatedAt: T0,
    lastEventAt: null,
    nextReconcileAt: null,
  };
}

beforeEach(() => {
  fake.reset();
  const db = openDatabase(':memory:');
  tasks = createTasksRepo(db);
  actions = createOrderActionsRepo(db);
  outbox = createSlackOutboxRepo(db);
  const orders = createOrdersRepo(db);
  tracker = createOrderTracker({ db, drafts: createOrderDraftsRepo(db), orders, actions, outbox, tasks });
  orders.insert(orderRecord(), orderRecord().request.domains);
  outbox.ensureMessage({ type: 'order', id: ORDER }, 'COPS', T0);
  logs = [];
  logger = createLogger({
    level: 'debug',
    scrubber: new SecretScrubber([]),
    write: (line) => logs.push(line),
  });
  // One attempt per call: the task runner's own retries are what is tested here.
  peeker = createPeekerClient({
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    timeoutMs: 5000,
    rateLimitPerMinute: 6000,
    logger,
    maxAttempts: 1,
  });
  clock = T0;
});

const run = () => runTasks({ tasks, tracker, peeker, logger, now: () => clock });
const pendingRequests = () => fake.requestsTo('GET', '/orders/pending');

describe('runTasks', () => {
  it('a fetch-pending task applies the order’s open actions and is done', async () => {
    const open = fake.addPendingAction(ORDER);
    const resolved = fake.addPendingAction(ORDER, { reason: 'replace_domain' });
    fake.resolvePendingAction(resolved.id);
    fake.addPendingAction('ord_someone_else');
    tracker.queuePendingFetch(ORDER, 'evt_1', clock);

    expect(await run()).toEqual({ done: 1, failed: 0 });
    expect(pendingRequests()).toHaveLength(1);
    expect(pendingRequests()[0]?.query).toMatchObject({ order_id: ORDER, status: 'open' });
    expect(actions.openFor(ORDER).map((a) => a.id)).toEqual([open.id]);
    expect(outbox.repliesOf(outbox.messageFor({ type: 'order', id: ORDER })!.id)).toHaveLength(1);
    expect(tasks.pendingCount()).toBe(0);

    expect(await run()).toEqual({ done: 0, failed: 0 }); // nothing left to do
    expect(pendingRequests()).toHaveLength(1);
  });

  it('runs only tasks that are due', async () => {
    tasks.enqueue('order.fetch_pending', ORDER, 'later', clock + 60_000, clock);
    expect(await run()).toEqual({ done: 0, failed: 0 });
    expect(pendingRequests()).toEqual([]);
    clock += 60_000;
    expect(await run()).toEqual({ done: 1, failed: 0 });
  });

  it('retries a failing task with doubling backoff and parks it after 8 attempts', async () => {
    fake.failNext(
      { method: 'GET', path: '/orders/pending' },
      { status: 503, times: Number.POSITIVE_INFINITY },
    );
    tracker.queuePendingFetch(ORDER, 'evt_1', clock);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      expect(await run(), `attempt ${attempt}`).toEqual({ done: 0, failed: 1 });
      if (attempt === 8) break;
      expect(tasks.pendingCount()).toBe(1);
      // Find when it is due again: never right away.
      expect(tasks.due(clock, 10)).toEqual([]);
      let delay = 1;
      while (tasks.due(clock + delay, 10).length === 0) delay *= 2;
      let low = delay / 2;
      while (delay - low > 1) {
        const mid = Math.floor((low + delay) / 2);
        if (tasks.due(clock + mid, 10).length > 0) delay = mid;
        else low = mid;
      }
      delays.push(delay);
      expect(tasks.due(clock + delay, 10)[0]?.attempts).toBe(attempt);
      clock += delay;
    }
    expect(pendingRequests()).toHaveLength(8);
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBe(2 * (delays[i - 1] ?? 0));
    // Parked: never due again, and said so in the log.
    expect(tasks.pendingCount()).toBe(0);
    expect(tasks.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(logs.some((line) => line.includes('task failed for good'))).toBe(true);
  });

  it('parks a task at once when Peeker does not know the order (404)', async () => {
    fake.failNext({ method: 'GET', path: '/orders/pending' }, { status: 404 });
    tracker.queuePendingFetch(ORDER, 'evt_1', clock);
    expect(await run()).toEqual({ done: 0, failed: 1 });
    expect(tasks.pendingCount()).toBe(0);
    expect(tasks.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(pendingRequests()).toHaveLength(1);
  });

  it('one failing task does not stop the others', async () => {
    fake.failNext({ method: 'GET', path: '/orders/pending' }, { status: 500 });
    fake.addPendingAction(ORDER);
    tracker.queuePendingFetch(ORDER, 'evt_1', clock);
    tracker.queuePendingFetch(ORDER, 'evt_2', clock);
    expect(await run()).toEqual({ done: 1, failed: 1 });
    expect(actions.openFor(ORDER)).toHaveLength(1);
    expect(tasks.pendingCount()).toBe(1);
  });

  it('an unknown task kind is logged, parked as failed and not retried', async () => {
    tasks.enqueue('mystery.kind', ORDER, 'm1', clock, clock);
    expect(await run()).toEqual({ done: 0, failed: 1 });
    expect(tasks.pendingCount()).toBe(0);
    expect(fake.requests).toEqual([]);
    expect(logs.some((line) => line.includes('unknown task kind') && line.includes('mystery.kind'))).toBe(
      true,
    );
  });
});

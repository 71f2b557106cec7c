import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTaskWorker, type TaskWorker } from '../../src/jobs/task-worker.js';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { createPeekerClient } from '../../src/peeker/client.js';
import { createOrderTracker, type OrderTracker } from '../../src/services/order-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { createOrderActionsRepo, type OrderActionsRepo } from '../../src/store/order-actions-repo.js';
import { createOrderDraftsRepo } from '../../src/store/order-drafts-repo.js';
import { createOrdersRepo, type OrderRecord } from '../../src/store/orders-repo.js';
import { createSlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { createTasksRepo, type TasksRepo } from '../../src/store/tasks-repo.js';
import { FakePeeker } from '../fakes/peeker/index.js';

const ORDER = 'ord_1';

let fake: FakePeeker;
beforeAll(async () => {
  fake = await FakePeeker.start();
});
afterAll(async () => {
  await fake.stop();
});

function orderRecord(): OrderRecord {
  const now = Date.now();
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
      domains: [],
      personas: [],
    },
    failureReason: null,
    createdAt: now,
    updatedAt: now,
    lastEventAt: null,
    nextReconcileAt: null,
  };
}

let tasks: TasksRepo;
let actions: OrderActionsRepo;
let tracker: OrderTracker;
let worker: TaskWorker;

beforeEach(() => {
  fake.reset();
  const db = openDatabase(':memory:');
  tasks = createTasksRepo(db);
  actions = createOrderActionsRepo(db);
  const orders = createOrdersRepo(db);
  tracker = createOrderTracker({
    db,
    drafts: createOrderDraftsRepo(db),
    orders,
    actions,
    outbox: createSlackOutboxRepo(db),
    tasks,
  });
  orders.insert(orderRecord(), []);
  const logger = createLogger({ level: 'debug', scrubber: new SecretScrubber([]), write: () => undefined });
  worker = createTaskWorker({
    tasks,
    tracker,
    peeker: createPeekerClient({
      baseUrl: fake.url,
      apiKey: fake.apiKey,
      timeoutMs: 5000,
      rateLimitPerMinute: 6000,
      logger,
      maxAttempts: 1,
    }),
    logger,
    now: Date.now,
  });
});
afterEach(async () => {
  await worker.stop();
});

describe('task worker', () => {
  it('runs a task as soon as it is queued', async () => {
    const action = fake.addPendingAction(ORDER);
    worker.start();
    await sleep(50); // the start-up pass (nothing due) is over: only the queueing can start a run now
    expect(fake.requests).toEqual([]);
    tracker.queuePendingFetch(ORDER, 'evt_1', Date.now());
    await fake.waitFor(() => actions.get(action.id), 2000, 'the pending action to be saved');
    expect(tasks.pendingCount()).toBe(0);
  });

  it('start() runs what was queued before it', async () => {
    const action = fake.addPendingAction(ORDER);
    tracker.queuePendingFetch(ORDER, 'evt_1', Date.now());
    await sleep(50);
    expect(fake.requests).toEqual([]); // not started yet: nothing runs
    worker.start();
    await fake.waitFor(() => actions.get(action.id), 2000);
  });

  it('stop() waits for the running pass and stops listening', async () => {
    fake.setLatencyFor({ method: 'GET', path: '/orders/pending' }, 300);
    const action = fake.addPendingAction(ORDER);
    worker.start();
    tracker.queuePendingFetch(ORDER, 'evt_1', Date.now());
    await fake.waitFor(() => fake.requestsTo('GET', '/orders/pending').length === 1, 2000);
    expect(actions.get(action.id)).toBeUndefined(); // the answer is still on its way
    await worker.stop();
    expect(actions.get(action.id)).toBeDefined();

    tracker.queuePendingFetch(ORDER, 'evt_2', Date.now());
    await sleep(150);
    expect(fake.requestsTo('GET', '/orders/pending')).toHaveLength(1);
    expect(tasks.pendingCount()).toBe(1);
  });

  it('runNow runs the due tasks and waits for them', async () => {
    fake.addPendingAction(ORDER);
    tracker.queuePendingFetch(ORDER, 'evt_1', Date.now());
    expect(await worker.runNow()).toEqual({ done: 1, failed: 0 });
    expect(actions.openFor(ORDER)).toHaveLength(1);
  });
});

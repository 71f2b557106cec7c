import { describe, expect, it } from 'vitest';
import { createBackgroundGate } from '../../src/lib/background-gate.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const ticks = async (n: number) => {
  for (let i = 0; i < n; i += 1) await tick();
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('createBackgroundGate', () => {
  it('grants a turn on a later turn of the event loop when no request is being answered', async () => {
    const gate = createBackgroundGate();
    let granted = false;
    void gate.turn().then(() => {
      granted = true;
    });
    expect(granted).toBe(false);
    await ticks(3);
    expect(granted).toBe(true);
  });

  it('holds background work while a request is being answered, and lets it go once answered', async () => {
    const gate = createBackgroundGate({ maxDeferMs: 10_000, graceMs: 0 });
    const leave = gate.enter();
    let granted = false;
    void gate.turn().then(() => {
      granted = true;
    });
    await ticks(5);
    await sleep(20);
    expect(granted).toBe(false);
    leave();
    leave(); // idempotent
    await ticks(4);
    expect(granted).toBe(true);
  });

  it('waits graceMs after the last answer (the next request of a burst comes first)', async () => {
    const gate = createBackgroundGate({ maxDeferMs: 10_000, graceMs: 30 });
    let granted = false;
    void gate.turn().then(() => {
      granted = true;
    });
    gate.enter()();
    await ticks(4);
    await sleep(10);
    expect(granted).toBe(false);
    // Another request of the burst: the grace starts again from its answer.
    gate.enter()();
    await sleep(20);
    expect(granted).toBe(false);
    await sleep(30);
    await ticks(3);
    expect(granted).toBe(true);
  });

  it('grants one waiter per turn of the event loop, oldest first', async () => {
    const gate = createBackgroundGate();
    const order: number[] = [];
    for (const n of [1, 2, 3]) void gate.turn().then(() => order.push(n));
    await tick();
    expect(order.length).toBeLessThanOrEqual(1);
    await ticks(6);
    expect(order).toEqual([1, 2, 3]);
  });

  it('never starves background work: one waiter per maxDeferMs while requests keep coming', async () => {
    const gate = createBackgroundGate({ maxDeferMs: 30 });
    const leave = gate.enter();
    const granted: number[] = [];
    const started = performance.now();
    for (const n of [1, 2]) void gate.turn().then(() => granted.push(n));
    await sleep(45);
    expect(granted).toEqual([1]);
    await sleep(40);
    expect(granted).toEqual([1, 2]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
    leave();
  });

  it('a request holds background work back for at most requestBudgetMs', async () => {
    const gate = createBackgroundGate({ maxDeferMs: 10_000, requestBudgetMs: 30 });
    gate.enter(); // a client that never finishes sending
    let granted = false;
    void gate.turn().then(() => {
      granted = true;
    });
    await sleep(10);
    await ticks(3);
    expect(granted).toBe(false);
    // Past its budget the stalled request no longer counts.
    await sleep(40);
    await ticks(3);
    expect(granted).toBe(true);
  });

  it('after a quiet spell, work that starts waiting still lets the request in flight go first', async () => {
    const gate = createBackgroundGate({ maxDeferMs: 50, graceMs: 0 });
    await sleep(80); // longer than maxDeferMs with nothing waiting
    const leave = gate.enter();
    let granted = false;
    void gate.turn().then(() => {
      granted = true;
    });
    await ticks(4);
    await sleep(10);
    expect(granted).toBe(false);
    leave();
    await ticks(4);
    expect(granted).toBe(true);
  });

  it('once the last request is answered, waits only the grace, not the longer overdue timer', async () => {
    const gate = createBackgroundGate({ maxDeferMs: 2_000, graceMs: 5 });
    const leave = gate.enter();
    let grantedAt: number | undefined;
    void gate.turn().then(() => {
      grantedAt = performance.now();
    });
    await ticks(3); // the gate arms its long timer while the request is open
    await sleep(10);
    const answeredAt = performance.now();
    leave();
    await sleep(200);
    expect(grantedAt).toBeDefined();
    // Loose bound for a busy machine: far below the 2 s overdue timer it must not wait for.
    expect((grantedAt ?? Number.POSITIVE_INFINITY) - answeredAt).toBeLessThan(150);
  });
});

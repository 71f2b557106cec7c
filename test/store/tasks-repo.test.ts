import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createTasksRepo, type TasksRepo } from '../../src/store/tasks-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');

let tasks: TasksRepo;
let wakeups: number;
beforeEach(() => {
  tasks = createTasksRepo(openDatabase(':memory:'));
  wakeups = 0;
  tasks.onQueued(() => {
    wakeups += 1;
  });
});

describe('tasks', () => {
  it('enqueue queues a task once per key and wakes the runner only for a new one', () => {
    expect(tasks.enqueue('order.fetch_pending', 'ord_1', 'evt_1', T0, T0)).toBe(true);
    expect(tasks.enqueue('order.fetch_pending', 'ord_1', 'evt_1', T0, T0)).toBe(false);
    expect(wakeups).toBe(1);
    expect(tasks.due(T0, 10)).toEqual([
      { id: expect.any(Number), kind: 'order.fetch_pending', subjectId: 'ord_1', attempts: 0 },
    ]);
    expect(tasks.pendingCount()).toBe(1);
  });

  it('an unsubscribed listener is not called any more', () => {
    let other = 0;
    const off = tasks.onQueued(() => {
      other += 1;
    });
    tasks.enqueue('k', 's', 'a', T0, T0);
    off();
    tasks.enqueue('k', 's', 'b', T0, T0);
    expect(other).toBe(1);
    expect(wakeups).toBe(2);
  });

  it('due lists pending tasks whose time has come, earliest first, up to the limit', () => {
    tasks.enqueue('k', 'late', 'a', T0 + 30, T0);
    tasks.enqueue('k', 'early', 'b', T0 + 10, T0);
    tasks.enqueue('k', 'future', 'c', T0 + 1000, T0);
    expect(tasks.due(T0 + 30, 10).map((t) => t.subjectId)).toEqual(['early', 'late']);
    expect(tasks.due(T0 + 30, 1).map((t) => t.subjectId)).toEqual(['early']);
    expect(tasks.due(T0, 10)).toEqual([]);
  });

  it('done and failed take a task out of the queue', () => {
    tasks.enqueue('k', 'a', 'a', T0, T0);
    tasks.enqueue('k', 'b', 'b', T0, T0);
    tasks.enqueue('k', 'c', 'c', T0, T0);
    const [a, b] = tasks.due(T0, 10);
    tasks.done(a!.id);
    tasks.failed(b!.id, 'not_found');
    expect(tasks.due(T0 + 1e9, 10).map((t) => t.subjectId)).toEqual(['c']);
    expect(tasks.pendingCount()).toBe(1);
    // Finished tasks still hold their key: the same event does not queue the work again.
    expect(tasks.enqueue('k', 'a', 'a', T0, T0)).toBe(false);
  });

  it('retryAt counts the attempt and moves the task later', () => {
    tasks.enqueue('k', 'a', 'a', T0, T0);
    const [task] = tasks.due(T0, 10);
    tasks.retryAt(task!.id, T0 + 2000, 'http_503');
    expect(tasks.due(T0 + 1999, 10)).toEqual([]);
    expect(tasks.due(T0 + 2000, 10)).toEqual([{ ...task, attempts: 1 }]);
    expect(tasks.pendingCount()).toBe(1);
  });

  it('prune forgets finished tasks created before the cut-off, never pending ones, a batch at a time', () => {
    tasks.enqueue('k', 'old-done-1', 'old-done-1', T0, T0);
    tasks.enqueue('k', 'old-done-2', 'old-done-2', T0, T0);
    tasks.enqueue('k', 'old-failed', 'old-failed', T0, T0);
    tasks.enqueue('k', 'old-pending', 'old-pending', T0, T0);
    tasks.enqueue('k', 'new-done', 'new-done', T0 + 1000, T0 + 1000);
    for (const task of tasks.due(T0 + 1000, 10)) {
      if (task.subjectId === 'old-failed') tasks.failed(task.id, 'x');
      else if (task.subjectId !== 'old-pending') tasks.done(task.id);
    }
    expect(tasks.prune(T0 + 1, 2)).toBe(2);
    expect(tasks.prune(T0 + 1)).toBe(1);
    expect(tasks.prune(T0 + 1)).toBe(0);
    // What was pruned is forgotten (its key can be used again); what must stay, stays.
    expect(tasks.enqueue('k', 'x', 'old-done-1', T0, T0)).toBe(true);
    expect(tasks.enqueue('k', 'x', 'old-failed', T0, T0)).toBe(true);
    expect(tasks.enqueue('k', 'x', 'old-pending', T0, T0)).toBe(false);
    expect(tasks.enqueue('k', 'x', 'new-done', T0, T0)).toBe(false);
  });
});

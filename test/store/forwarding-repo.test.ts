import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createForwardingRepo, type ForwardingRepo } from '../../src/store/forwarding-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
let repo: ForwardingRepo;
beforeEach(() => {
  repo = createForwardingRepo(openDatabase(':memory:'));
});

function create(domains: string[][], commandId: number | null = 1) {
  return repo.create(
    {
      commandId,
      channelId: 'COPS',
      audience: 'ops',
      requestedBy: 'UOPS',
      url: 'https://acme.com',
      sandbox: false,
    },
    domains.map((batch) => batch.map((domain) => ({ domain, orderId: 'ord_1' }))),
    T0,
  );
}

describe('forwarding requests', () => {
  it('records the request with its batches unsent and every domain pending, in order', () => {
    const id = create([['a.com', 'b.com'], ['c.com']]);
    expect(repo.forCommand(1)?.id).toBe(id);
    expect(repo.batchesOf(id).map((b) => [b.batch, b.status, b.nextAttemptAt])).toEqual([
      [0, 'unsent', T0],
      [1, 'unsent', T0],
    ]);
    expect(repo.domainsOf(id).map((d) => [d.domain, d.batch, d.state])).toEqual([
      ['a.com', 0, 'pending'],
      ['b.com', 0, 'pending'],
      ['c.com', 1, 'pending'],
    ]);
    expect(repo.dueToSend(T0, 10)).toHaveLength(2);
    expect(repo.runningCount()).toBe(1);
  });

  it('settles a domain once; finds pending domains of running requests; a job by its ID', () => {
    const id = create([['a.com', 'b.com']]);
    const batch = repo.batch(id, 0)!;
    repo.saveBatch({
      ...batch,
      jobId: 'fwj_1',
      status: 'in_progress',
      nextAttemptAt: T0 + 30_000,
      updatedAt: T0,
    });
    expect(repo.batchForJob('fwj_1')?.batch).toBe(0);
    expect(repo.dueToCheck(T0 + 29_999, 10)).toHaveLength(0);
    expect(repo.dueToCheck(T0 + 30_000, 10)).toHaveLength(1);
    expect(repo.pendingByDomain('A.com').map((d) => d.domain)).toEqual(['a.com']);
    expect(repo.settleDomain(id, 'a.com', 'completed', null)).toBe(true);
    expect(repo.settleDomain(id, 'a.com', 'failed', 'x')).toBe(false);
    expect(repo.pendingByDomain('a.com')).toEqual([]);
    expect(repo.requestedSince('a.com', 'https://acme.com', T0)).toBe(true);
    expect(repo.requestedSince('a.com', 'https://other.com', T0)).toBe(false);
    expect(repo.requestedSince('a.com', null, T0 + 1)).toBe(false);
  });

  it('lists finished requests with failed domains since a time, for the digest', () => {
    const ok = create([['a.com']], 1);
    repo.settleDomain(ok, 'a.com', 'completed', null);
    repo.finish(ok, T0 + 1000);
    const bad = create([['b.com', 'c.com']], 2);
    repo.settleDomain(bad, 'b.com', 'failed', 'dns_lookup_failed');
    repo.settleDomain(bad, 'c.com', 'completed', null);
    repo.finish(bad, T0 + 2000);
    const running = create([['d.com']], 3);
    repo.settleDomain(running, 'd.com', 'failed', 'x');
    expect(repo.failedJobsSince(T0)).toEqual([
      {
        requestId: bad,
        url: 'https://acme.com',
        channelId: 'COPS',
        requestedBy: 'UOPS',
        finishedAt: T0 + 2000,
        failed: [{ domain: 'b.com', orderId: 'ord_1', reason: 'dns_lookup_failed' }],
        total: 2,
      },
    ]);
    expect(repo.failedJobsSince(T0 + 3000)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { PeekerImport } from '../../src/peeker/imports.js';
import {
  type ImportObservation,
  initialImport,
  MAX_CHECK_INTERVAL_MS,
  nextCheckAt,
  transitionImport,
} from '../../src/services/import-state.js';
import type { ImportDomain, ImportRecord } from '../../src/store/imports-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const groups = [
  {
    nameserver_one: 'helena.ns.cloudflare.com',
    nameserver_two: 'idris.ns.cloudflare.com',
    domains: ['acme-mail.com', 'team-acme.com'],
  },
];

function peekerImport(patch: Partial<PeekerImport> = {}): PeekerImport {
  return {
    id: 'imp_1',
    status: 'completed',
    submitted_count: 2,
    completed_count: 2,
    failed_count: 0,
    nameserver_groups: groups,
    failed: [],
    created_at: '2026-05-08T12:00:00Z',
    completed_at: '2026-05-08T12:00:04Z',
    ...patch,
  };
}

function submitted(patch: Partial<PeekerImport> = {}): { record: ImportRecord; domains: ImportDomain[] } {
  return initialImport(
    peekerImport(patch),
    ['acme-mail.com', 'team-acme.com'],
    { kind: 'sync', commandId: 1, batch: 0, channelId: 'CCUST', requestedBy: 'UOPS' },
    T0,
  );
}

function obs(patch: Partial<ImportObservation>): ImportObservation {
  return {
    source: 'poll',
    status: 'completed',
    nameserverGroups: [],
    failed: [],
    completedAt: undefined,
    ...patch,
  };
}

describe('initialImport (the submission is the nameserver hand-off)', () => {
  it('waits for DNS after a synchronous import, even one Peeker calls completed', () => {
    const { record, domains } = submitted();
    expect(record.phase).toBe('awaiting_dns');
    expect(record.handoffCompletedAt).toBe('2026-05-08T12:00:04Z');
    expect(record.nameserverGroups[0]?.nameservers).toEqual([
      'helena.ns.cloudflare.com',
      'idris.ns.cloudflare.com',
    ]);
    expect(domains.map((d) => d.state)).toEqual(['pending', 'pending']);
  });

  it('prepares a job that has no nameservers yet', () => {
    expect(submitted({ status: 'in_progress', nameserver_groups: [], completed_at: null }).record.phase).toBe(
      'preparing',
    );
  });

  it('marks failed rows and fails the import when every domain was rejected', () => {
    const partial = submitted({ failed: [{ domain: 'team-acme.com', reason: 'not_root_domain' }] });
    expect(partial.record.phase).toBe('awaiting_dns');
    expect(partial.domains.find((d) => d.domain === 'team-acme.com')).toMatchObject({
      state: 'failed',
      failureReason: 'not_root_domain',
    });
    const all = submitted({
      nameserver_groups: [],
      failed: [
        { domain: 'acme-mail.com', reason: 'x' },
        { domain: 'team-acme.com', reason: 'y' },
      ],
    });
    expect(all.record.phase).toBe('failed');
  });
});

describe('transitionImport', () => {
  it('does not treat a re-read of the hand-off completion as DNS verified', () => {
    const { record, domains } = submitted();
    const result = transitionImport(
      record,
      domains,
      obs({ completedAt: '2026-05-08T12:00:04Z' }),
      T0 + 60_000,
    );
    expect(result.record.phase).toBe('awaiting_dns');
    expect(result.changes).toEqual([]);
  });

  it('verifies on a later completion (new completed_at) and marks every active domain ✅', () => {
    const { record, domains } = submitted();
    const result = transitionImport(
      record,
      domains,
      obs({ completedAt: '2026-05-08T12:08:43Z' }),
      T0 + 60_000,
    );
    expect(result.record.phase).toBe('verified');
    expect(result.record.nextCheckAt).toBeNull();
    expect(result.changes).toEqual([{ kind: 'verified' }]);
    expect(result.domains.map((d) => d.state)).toEqual(['verified', 'verified']);
  });

  it('verifies on a domain_import.completed webhook', () => {
    const { record, domains } = submitted();
    const result = transitionImport(
      record,
      domains,
      obs({ source: 'webhook', completedAt: '2026-05-08T12:00:04Z' }),
      T0 + 1,
    );
    expect(result.record.phase).toBe('verified');
  });

  it('moves to waiting on the registrar on action_required, once', () => {
    const { record, domains } = submitted();
    const first = transitionImport(record, domains, obs({ status: 'action_required' }), T0 + 30 * 60_000);
    expect(first.record.phase).toBe('waiting_on_registrar');
    expect(first.record.waitingSince).toBe(T0 + 30 * 60_000);
    expect(first.changes).toEqual([{ kind: 'waiting_on_registrar' }]);
    const again = transitionImport(
      first.record,
      domains,
      obs({ status: 'action_required' }),
      T0 + 40 * 60_000,
    );
    expect(again.changes).toEqual([]);
    expect(again.record.waitingSince).toBe(T0 + 30 * 60_000);
    // After waiting, a completed answer (same completed_at even) is news: the status changed.
    const done = transitionImport(
      again.record,
      domains,
      obs({ completedAt: '2026-05-08T12:00:04Z' }),
      T0 + 50 * 60_000,
    );
    expect(done.record.phase).toBe('verified');
  });

  it('never moves backwards: a late action_required or failed after verified is a no-op', () => {
    const { record, domains } = submitted();
    const verified = transitionImport(record, domains, obs({ source: 'webhook' }), T0 + 1);
    for (const status of ['action_required', 'failed', 'in_progress']) {
      const late = transitionImport(verified.record, domains, obs({ status }), T0 + 2);
      expect(late.record.phase).toBe('verified');
      expect(late.changed).toBe(false);
      expect(late.changes).toEqual([]);
    }
  });

  it('hands a job its nameservers on the completion that first carries them', () => {
    const { record, domains } = submitted({
      status: 'in_progress',
      nameserver_groups: [],
      completed_at: null,
    });
    const ready = transitionImport(
      record,
      domains,
      obs({
        source: 'webhook',
        nameserverGroups: [
          {
            nameservers: ['a.ns.cloudflare.com', 'b.ns.cloudflare.com'],
            domains: ['acme-mail.com', 'team-acme.com'],
          },
        ],
        completedAt: '2026-05-08T12:01:00Z',
      }),
      T0 + 60_000,
    );
    expect(ready.record.phase).toBe('awaiting_dns');
    expect(ready.changes).toEqual([{ kind: 'nameservers_ready' }]);
    expect(ready.record.nameserversAt).toBe(T0 + 60_000);
  });

  it('reports newly failed rows and fails when none are left', () => {
    const { record, domains } = submitted();
    const one = transitionImport(
      record,
      domains,
      obs({ status: 'in_progress', failed: [{ domain: 'acme-mail.com', reason: 'dns' }] }),
      T0 + 1,
    );
    expect(one.changes).toEqual([{ kind: 'rows_failed', domains: ['acme-mail.com'] }]);
    const remaining = domains.map((d) =>
      d.domain === 'acme-mail.com' ? { ...d, state: 'failed' as const } : d,
    );
    const both = transitionImport(
      one.record,
      remaining,
      obs({ status: 'in_progress', failed: [{ domain: 'team-acme.com' }] }),
      T0 + 2,
    );
    expect(both.record.phase).toBe('failed');
    expect(both.changes.map((c) => c.kind)).toEqual(['failed']);
  });
});

describe('nextCheckAt', () => {
  it('starts at the base interval, then a tenth of the age, capped at 30 minutes', () => {
    const record = { submittedAt: T0 };
    expect(nextCheckAt(record, T0, 60) - T0).toBe(60_000);
    expect(nextCheckAt(record, T0 + 5 * 60_000, 60) - (T0 + 5 * 60_000)).toBe(60_000);
    expect(nextCheckAt(record, T0 + 60 * 60_000, 60) - (T0 + 60 * 60_000)).toBe(6 * 60_000);
    expect(nextCheckAt(record, T0 + 48 * 3600_000, 60) - (T0 + 48 * 3600_000)).toBe(MAX_CHECK_INTERVAL_MS);
  });
});

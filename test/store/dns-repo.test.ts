import { beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/store/database.js';
import {
  createDnsRepo,
  type DnsRepo,
  type DomainDnsRecord,
  isNotYetSwitched,
} from '../../src/store/dns-repo.js';
import { createImportsRepo, type ImportRecord, type ImportsRepo } from '../../src/store/imports-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const PAIR: [string, string] = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];

function record(id: string, patch: Partial<ImportRecord> = {}): ImportRecord {
  return {
    id,
    kind: 'sync',
    commandId: null,
    batch: null,
    channelId: 'CCUST',
    requestedBy: 'UOPS',
    phase: 'awaiting_dns',
    peekerStatus: 'completed',
    nameserverGroups: [{ nameservers: PAIR, domains: ['a.com', 'b.com'] }],
    handoffCompletedAt: null,
    failureReason: null,
    submittedAt: T0,
    nameserversAt: T0,
    waitingSince: null,
    finishedAt: null,
    updatedAt: T0,
    nextCheckAt: T0 + 60_000,
    lastCheckedAt: null,
    checkFailures: 0,
    ...patch,
  };
}

function addImport(id: string, patch: Partial<ImportRecord> = {}, names = ['a.com', 'b.com']): void {
  imports.insert(
    record(id, patch),
    names.map((domain, position) => ({ domain, position, state: 'pending', failureReason: null })),
  );
}

const state = (domain: string, patch: Partial<DomainDnsRecord> = {}): DomainDnsRecord => ({
  domain,
  state: 'elsewhere',
  nameservers: ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'],
  registrarId: 'godaddy',
  lastError: null,
  checkedAt: T0,
  changedAt: T0,
  ...patch,
});

let db: Db;
let imports: ImportsRepo;
let dns: DnsRepo;
beforeEach(() => {
  db = openDatabase(':memory:');
  imports = createImportsRepo(db);
  dns = createDnsRepo(db);
});

describe('waiting imports due for a DNS check', () => {
  it('lists never-checked imports first, then the most overdue, and only those waiting with nameservers', () => {
    addImport('imp_checked', { submittedAt: T0 - 5_000 });
    addImport('imp_new', { submittedAt: T0 });
    addImport('imp_waiting', { phase: 'waiting_on_registrar', submittedAt: T0 + 1 });
    addImport('imp_preparing', { phase: 'preparing', nameserverGroups: [] });
    addImport('imp_verified', { phase: 'verified' });
    addImport('imp_later', { submittedAt: T0 - 9_000 });
    dns.saveCheck(
      { importId: 'imp_checked', nextCheckAt: T0 - 1, lastCheckedAt: T0 - 60_001, allPointing: false },
      [],
    );
    dns.saveCheck(
      { importId: 'imp_later', nextCheckAt: T0 + 30_000, lastCheckedAt: T0, allPointing: false },
      [],
    );

    expect(dns.dueImports(T0, 10)).toEqual(['imp_new', 'imp_waiting', 'imp_checked']);
    expect(dns.dueImports(T0, 1)).toEqual(['imp_new']);
    expect(dns.dueImports(T0 + 30_000, 10)).toContain('imp_later');
  });

  it('stores each domain state and the schedule, replacing earlier ones', () => {
    addImport('imp_1');
    dns.saveCheck({ importId: 'imp_1', nextCheckAt: T0 + 60_000, lastCheckedAt: T0, allPointing: false }, [
      state('a.com'),
      state('b.com', { state: 'not_found', nameservers: [], registrarId: null }),
    ]);
    dns.saveCheck(
      { importId: 'imp_1', nextCheckAt: T0 + 120_000, lastCheckedAt: T0 + 60_000, allPointing: true },
      [state('a.com', { state: 'pointing', nameservers: [], registrarId: null, checkedAt: T0 + 60_000 })],
    );
    expect(dns.scheduleOf('imp_1')).toEqual({
      importId: 'imp_1',
      nextCheckAt: T0 + 120_000,
      lastCheckedAt: T0 + 60_000,
      allPointing: true,
    });
    const byDomain = new Map(dns.domainStatesOf('imp_1').map((each) => [each.domain, each]));
    expect(byDomain.get('a.com')).toMatchObject({ state: 'pointing', checkedAt: T0 + 60_000 });
    expect(byDomain.get('b.com')).toEqual(
      state('b.com', { state: 'not_found', nameservers: [], registrarId: null }),
    );
  });
});

describe('waitingDomainStates (for reminders, the digest and the Home tab)', () => {
  it('lists every pending domain of waiting imports with its last DNS state, per channel or import', () => {
    addImport('imp_1', { submittedAt: T0 });
    addImport('imp_2', { channelId: 'COTHER', submittedAt: T0 + 1 }, ['c.com']);
    addImport('imp_done', { phase: 'verified', submittedAt: T0 + 2 }, ['d.com']);
    dns.saveCheck({ importId: 'imp_1', nextCheckAt: T0, lastCheckedAt: T0, allPointing: false }, [
      state('a.com', { state: 'pointing', nameservers: [], registrarId: null }),
    ]);

    const all = dns.waitingDomainStates();
    expect(all.map((row) => [row.importId, row.domain, row.dns?.state ?? null])).toEqual([
      ['imp_1', 'a.com', 'pointing'],
      ['imp_1', 'b.com', null],
      ['imp_2', 'c.com', null],
    ]);
    expect(all.filter(isNotYetSwitched).map((row) => row.domain)).toEqual(['b.com', 'c.com']);
    expect(dns.waitingDomainStates({ channelId: 'COTHER' }).map((row) => row.domain)).toEqual(['c.com']);
    expect(dns.waitingDomainStates({ importId: 'imp_1' }).map((row) => row.domain)).toEqual([
      'a.com',
      'b.com',
    ]);
  });
});

describe('the health watch', () => {
  function addOrder(id: string, status: string, connected: string[], pending: string[] = []): void {
    db.prepare(
      `INSERT INTO orders (id, channel_id, audience, placed_by, customer_email, bundle_id, domain_count, status, request, created_at, updated_at)
       VALUES (?, 'CCUST', 'customer', 'UOPS', 'c@acme.com', 'bnd_1', ?, ?, '{}', ?, ?)`,
    ).run(id, connected.length + pending.length, status, T0, T0);
    for (const [position, domain] of [...connected, ...pending].entries()) {
      db.prepare(
        `INSERT INTO order_domains (order_id, domain, position, state, provider) VALUES (?, ?, ?, ?, 'google')`,
      ).run(id, domain, position, connected.includes(domain) ? 'connected' : 'pending');
    }
  }

  it('follows connected domains of live orders, each from its own first moment, and drops ended orders', () => {
    addOrder('ord_live', 'completed', ['a.com', 'b.com'], ['c.com']);
    addOrder('ord_gone', 'cancelled', ['x.com']);
    const added = dns.enrollConnectedDomains(
      T0,
      (_order, domain) => T0 + (domain === 'a.com' ? 1_000 : 5_000),
      100,
    );
    expect(added).toBe(2);
    expect(dns.watchedCount()).toBe(2);
    // Enrolling again adds nothing.
    expect(dns.enrollConnectedDomains(T0, () => T0, 100)).toBe(0);

    expect(dns.dueHealthChecks(T0 + 1_000, 10).map((item) => item.domain)).toEqual(['a.com']);
    const due = dns.dueHealthChecks(T0 + 5_000, 10);
    expect(due).toEqual([
      { orderId: 'ord_live', domain: 'a.com', provider: 'google', reported: [], lastCheckedAt: null },
      { orderId: 'ord_live', domain: 'b.com', provider: 'google', reported: [], lastCheckedAt: null },
    ]);
    dns.saveHealthCheck('ord_live', 'a.com', T0 + 5_000, T0 + 100_000, ['no_mx']);
    expect(dns.dueHealthChecks(T0 + 5_000, 10).map((item) => item.domain)).toEqual(['b.com']);
    expect(dns.dueHealthChecks(T0 + 100_000, 10).find((item) => item.domain === 'a.com')).toMatchObject({
      reported: ['no_mx'],
      lastCheckedAt: T0 + 5_000,
    });

    db.prepare("UPDATE orders SET status = 'cancelled' WHERE id = 'ord_live'").run();
    expect(dns.dueHealthChecks(T0 + 100_000, 10)).toEqual([]);
    dns.enrollConnectedDomains(T0, () => T0, 100);
    expect(dns.watchedCount()).toBe(0);
  });

  it('finds the live order a domain is connected on, with its provider', () => {
    addOrder('ord_1', 'completed', ['a.com']);
    expect(dns.connectedDomain('a.com')).toEqual({ orderId: 'ord_1', provider: 'google' });
    expect(dns.connectedDomain('b.com')).toBeUndefined();
  });
});

describe('imports.recheckBy', () => {
  it('moves an unfinished import earlier, never later, and leaves finished ones alone', () => {
    addImport('imp_1', { nextCheckAt: T0 + 600_000 });
    addImport('imp_2', { nextCheckAt: T0 + 1_000 });
    addImport('imp_3', { phase: 'verified', nextCheckAt: null });
    imports.recheckBy('imp_1', T0 + 5_000);
    imports.recheckBy('imp_2', T0 + 5_000);
    imports.recheckBy('imp_3', T0 + 5_000);
    expect(imports.get('imp_1')?.nextCheckAt).toBe(T0 + 5_000);
    expect(imports.get('imp_2')?.nextCheckAt).toBe(T0 + 1_000);
    expect(imports.get('imp_3')?.nextCheckAt).toBeNull();
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import type { DnsAnswer } from '../../src/dns/resolver.js';
import {
  createImportDnsRecorder,
  type ImportDnsRecorder,
  nextDomainState,
  withDnsStates,
} from '../../src/services/import-dns.js';
import { importMessageModel } from '../../src/services/import-tracker.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { createDnsRepo, type DnsRepo } from '../../src/store/dns-repo.js';
import { createImportsRepo, type ImportRecord, type ImportsRepo } from '../../src/store/imports-repo.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const INTERVAL = 60_000;
const PAIR: [string, string] = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];
const GODADDY_NS = ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'];

const ok = (...records: string[]): DnsAnswer<string> => ({ status: 'ok', records });
const failed: DnsAnswer<string> = { status: 'error', code: 'timeout' };

let db: Db;
let imports: ImportsRepo;
let dns: DnsRepo;
let outbox: SlackOutboxRepo;
let recordCheck: ImportDnsRecorder;

function addImport(id: string, patch: Partial<ImportRecord> = {}, names = ['a.com', 'b.com']): void {
  const record: ImportRecord = {
    id,
    kind: 'sync',
    commandId: null,
    batch: null,
    channelId: 'CCUST',
    requestedBy: 'UOPS',
    phase: 'awaiting_dns',
    peekerStatus: 'completed',
    nameserverGroups: [{ nameservers: PAIR, domains: names }],
    handoffCompletedAt: null,
    failureReason: null,
    submittedAt: T0,
    nameserversAt: T0,
    waitingSince: null,
    finishedAt: null,
    updatedAt: T0,
    nextCheckAt: T0 + 20 * 60_000,
    lastCheckedAt: T0,
    checkFailures: 0,
    ...patch,
  };
  imports.insert(
    record,
    names.map((domain, position) => ({ domain, position, state: 'pending', failureReason: null })),
  );
  outbox.ensureMessage({ type: 'import', id }, 'CCUST', T0);
}

const version = (id: string) => outbox.messageFor({ type: 'import', id })?.contentVersion ?? 0;
const answers = (entries: Record<string, DnsAnswer<string>>) => new Map(Object.entries(entries));

beforeEach(() => {
  db = openDatabase(':memory:');
  imports = createImportsRepo(db);
  dns = createDnsRepo(db);
  outbox = createSlackOutboxRepo(db);
  recordCheck = createImportDnsRecorder({ db, imports, dns, outbox, intervalMs: INTERVAL });
});

describe('nextDomainState', () => {
  it('classifies an answer against the assigned pair, with the registrar of the nameservers that must go', () => {
    expect(nextDomainState(undefined, 'a.com', PAIR, ok(...GODADDY_NS), T0)).toEqual({
      domain: 'a.com',
      state: 'elsewhere',
      nameservers: GODADDY_NS,
      registrarId: 'godaddy',
      lastError: null,
      checkedAt: T0,
      changedAt: T0,
    });
    expect(
      nextDomainState(
        undefined,
        'a.com',
        PAIR,
        ok('IDRIS.ns.cloudflare.com.', 'helena.ns.cloudflare.com'),
        T0,
      ).state,
    ).toBe('pointing');
    expect(nextDomainState(undefined, 'a.com', PAIR, { status: 'nxdomain' }, T0).state).toBe('not_found');
    expect(
      nextDomainState(undefined, 'a.com', PAIR, ok('adam.ns.cloudflare.com', 'eve.ns.cloudflare.com'), T0),
    ).toMatchObject({ state: 'other_cloudflare', registrarId: 'cloudflare' });
  });

  it('keeps what was known when a lookup fails, and says "unknown" only when nothing ever answered', () => {
    const known = nextDomainState(undefined, 'a.com', PAIR, ok(...GODADDY_NS), T0);
    expect(nextDomainState(known, 'a.com', PAIR, failed, T0 + 1)).toEqual({
      ...known,
      lastError: 'timeout',
      checkedAt: T0 + 1,
    });
    expect(nextDomainState(undefined, 'a.com', PAIR, failed, T0)).toMatchObject({
      state: 'unknown',
      lastError: 'timeout',
    });
  });

  it('keeps the time of the last change when nothing visible changed', () => {
    const first = nextDomainState(undefined, 'a.com', PAIR, ok(...GODADDY_NS), T0);
    expect(nextDomainState(first, 'a.com', PAIR, ok(...GODADDY_NS), T0 + 5).changedAt).toBe(T0);
    expect(nextDomainState(first, 'a.com', PAIR, ok(...PAIR), T0 + 5).changedAt).toBe(T0 + 5);
  });
});

describe('recording a check of a waiting import', () => {
  it('stores each domain, schedules the next check one interval later and edits the message when it changed', () => {
    addImport('imp_1');
    const before = version('imp_1');
    const result = recordCheck('imp_1', answers({ 'a.com': ok(...GODADDY_NS), 'b.com': ok(...PAIR) }), T0);
    expect(result).toEqual({ visibleChange: true, allPointing: false, recheckRequested: false });
    expect(version('imp_1')).toBe(before + 1);
    expect(dns.scheduleOf('imp_1')?.nextCheckAt).toBe(T0 + INTERVAL);
    expect(dns.waitingDomainStates({ importId: 'imp_1' }).map((row) => row.dns?.state)).toEqual([
      'elsewhere',
      'pointing',
    ]);
  });

  it('never edits the message for a check that changed nothing visible, nor for a failing resolver', () => {
    addImport('imp_1');
    recordCheck('imp_1', answers({ 'a.com': ok(...GODADDY_NS), 'b.com': ok(...GODADDY_NS) }), T0);
    const after = version('imp_1');
    expect(
      recordCheck(
        'imp_1',
        answers({ 'a.com': ok(...GODADDY_NS), 'b.com': ok(...GODADDY_NS) }),
        T0 + INTERVAL,
      ),
    ).toMatchObject({ visibleChange: false });
    expect(
      recordCheck('imp_1', answers({ 'a.com': failed, 'b.com': failed }), T0 + 2 * INTERVAL),
    ).toMatchObject({
      visibleChange: false,
    });
    expect(version('imp_1')).toBe(after);
    // What was known is still shown.
    expect(dns.domainStatesOf('imp_1').map((state) => [state.state, state.lastError])).toEqual([
      ['elsewhere', 'timeout'],
      ['elsewhere', 'timeout'],
    ]);

    addImport('imp_dead');
    const dead = version('imp_dead');
    expect(recordCheck('imp_dead', answers({ 'a.com': failed, 'b.com': failed }), T0)).toMatchObject({
      visibleChange: false,
    });
    expect(version('imp_dead')).toBe(dead);
  });

  it('asks Peeker on the next tick once every domain points at Peeker, and only once', () => {
    addImport('imp_1');
    recordCheck('imp_1', answers({ 'a.com': ok(...PAIR), 'b.com': ok(...GODADDY_NS) }), T0);
    expect(imports.get('imp_1')?.nextCheckAt).toBe(T0 + 20 * 60_000);

    const flipped = recordCheck(
      'imp_1',
      answers({ 'a.com': ok(...PAIR), 'b.com': ok(...PAIR) }),
      T0 + INTERVAL,
    );
    expect(flipped).toEqual({ visibleChange: true, allPointing: true, recheckRequested: true });
    expect(imports.get('imp_1')?.nextCheckAt).toBe(T0 + INTERVAL);

    // Peeker was asked and pushed the import back; still all pointing: no second request.
    imports.update({ ...imports.get('imp_1')!, nextCheckAt: T0 + 30 * 60_000 });
    expect(
      recordCheck('imp_1', answers({ 'a.com': ok(...PAIR), 'b.com': ok(...PAIR) }), T0 + 2 * INTERVAL),
    ).toEqual({ visibleChange: false, allPointing: true, recheckRequested: false });
    expect(imports.get('imp_1')?.nextCheckAt).toBe(T0 + 30 * 60_000);
  });

  it('ignores failed domains and imports no longer waiting', () => {
    addImport('imp_1');
    imports.updateDomain('imp_1', {
      domain: 'b.com',
      position: 1,
      state: 'failed',
      failureReason: 'invalid',
    });
    expect(
      recordCheck('imp_1', answers({ 'a.com': ok(...PAIR), 'b.com': ok(...GODADDY_NS) }), T0),
    ).toMatchObject({
      allPointing: true,
    });
    expect(dns.domainStatesOf('imp_1').map((state) => state.domain)).toEqual(['a.com']);

    addImport('imp_done', { phase: 'verified' });
    expect(recordCheck('imp_done', answers({ 'a.com': ok(...PAIR) }), T0)).toBeUndefined();
    expect(dns.scheduleOf('imp_done')).toBeUndefined();
  });
});

describe('withDnsStates', () => {
  it('adds each pending domain’s finding to the message model while the import waits', () => {
    addImport('imp_1');
    recordCheck('imp_1', answers({ 'a.com': ok(...GODADDY_NS), 'b.com': ok(...PAIR) }), T0);
    const record = imports.get('imp_1')!;
    const model = withDnsStates(
      importMessageModel(record, imports.domainsOf('imp_1'), T0),
      record.phase,
      dns.domainStatesOf('imp_1'),
    );
    expect(model.domains.map((domain) => domain.dns)).toEqual([
      {
        state: 'elsewhere',
        current: GODADDY_NS,
        registrar: {
          name: 'GoDaddy',
          helpUrl: 'https://www.godaddy.com/help/change-nameservers-for-my-domains-664',
        },
      },
      { state: 'pointing' },
    ]);
    expect(model.nameserversSet).toBe(false);
    const verified = withDnsStates(
      importMessageModel(record, imports.domainsOf('imp_1'), T0),
      'verified',
      dns.domainStatesOf('imp_1'),
    );
    expect(verified.domains.every((domain) => domain.dns === undefined)).toBe(true);
  });
});

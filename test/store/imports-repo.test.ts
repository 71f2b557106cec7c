import { beforeEach, describe, expect, it } from 'vitest';
import { createCommandsRepo } from '../../src/store/commands-repo.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import {
  createImportsRepo,
  type DomainState,
  type ImportDomain,
  type ImportRecord,
  type ImportsRepo,
} from '../../src/store/imports-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');

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
    nameserverGroups: [
      { nameservers: ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'], domains: ['a.com'] },
    ],
    handoffCompletedAt: '2026-05-08T12:00:04Z',
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

const domains = (...entries: [string, DomainState][]): ImportDomain[] =>
  entries.map(([domain, state], position) => ({ domain, position, state, failureReason: null }));

let db: Db;
let imports: ImportsRepo;
beforeEach(() => {
  db = openDatabase(':memory:');
  imports = createImportsRepo(db);
});

describe('imports', () => {
  it('stores an import with its domains and reads both back', () => {
    const r = record('imp_1');
    imports.insert(r, [
      { domain: 'b.com', position: 1, state: 'pending', failureReason: null },
      { domain: 'a.com', position: 0, state: 'failed', failureReason: 'not_root_domain' },
    ]);
    expect(imports.get('imp_1')).toEqual(r);
    expect(imports.domainsOf('imp_1')).toEqual([
      { domain: 'a.com', position: 0, state: 'failed', failureReason: 'not_root_domain' },
      { domain: 'b.com', position: 1, state: 'pending', failureReason: null },
    ]);
    expect(imports.get('imp_missing')).toBeUndefined();
    expect(imports.domainsOf('imp_missing')).toEqual([]);
  });

  it('refuses a second import with the same id', () => {
    imports.insert(record('imp_1'), []);
    expect(() => imports.insert(record('imp_1'), [])).toThrow();
  });

  it('update and updateDomain write the new state', () => {
    imports.insert(record('imp_1'), domains(['a.com', 'pending'], ['b.com', 'pending']));
    const next = record('imp_1', {
      phase: 'verified',
      finishedAt: T0 + 5,
      nextCheckAt: null,
      checkFailures: 2,
      nameserverGroups: [],
    });
    imports.update(next);
    imports.updateDomain('imp_1', {
      domain: 'b.com',
      position: 1,
      state: 'failed',
      failureReason: 'registrar_lock',
    });
    expect(imports.get('imp_1')).toEqual(next);
    expect(imports.domainsOf('imp_1').map((d) => [d.domain, d.state, d.failureReason])).toEqual([
      ['a.com', 'pending', null],
      ['b.com', 'failed', 'registrar_lock'],
    ]);
  });

  it('forBatch finds the import a command’s batch created', () => {
    const { command } = createCommandsRepo(db).record({
      dedupeKey: 'trigger-1',
      kind: 'import',
      userId: 'UOPS',
      teamId: null,
      originChannelId: 'COPS',
      responseUrl: null,
      args: {},
      now: T0,
    });
    imports.insert(record('imp_0', { commandId: command.id, batch: 0 }), []);
    imports.insert(record('imp_1', { commandId: command.id, batch: 1 }), []);
    expect(imports.forBatch(command.id, 1)?.id).toBe('imp_1');
    expect(imports.forBatch(command.id, 2)).toBeUndefined();
    expect(() => imports.insert(record('imp_dup', { commandId: command.id, batch: 1 }), [])).toThrow();
  });

  it('verifiedDomainsInChannel lists the channel’s verified domains, oldest import first, once each', () => {
    imports.insert(
      record('imp_new', { submittedAt: T0 + 100 }),
      domains(['new-1.com', 'verified'], ['shared.com', 'verified'], ['new-2.com', 'pending']),
    );
    imports.insert(
      record('imp_old', { submittedAt: T0 }),
      domains(['old-2.com', 'verified'], ['old-1.com', 'failed'], ['shared.com', 'verified']),
    );
    imports.insert(record('imp_elsewhere', { channelId: 'COTHER' }), domains(['other.com', 'verified']));
    expect(imports.verifiedDomainsInChannel('CCUST')).toEqual(['old-2.com', 'shared.com', 'new-1.com']);
    expect(imports.verifiedDomainsInChannel('CEMPTY')).toEqual([]);
  });

  it('hasImportsInChannel tells whether instructions were ever posted for a channel', () => {
    expect(imports.hasImportsInChannel('CCUST')).toBe(false);
    imports.insert(record('imp_1', { phase: 'failed' }), []);
    expect(imports.hasImportsInChannel('CCUST')).toBe(true);
    expect(imports.hasImportsInChannel('COTHER')).toBe(false);
  });

  it('recent lists the newest imports first', () => {
    imports.insert(record('a', { submittedAt: T0 + 1 }), []);
    imports.insert(record('b', { submittedAt: T0 + 3 }), []);
    imports.insert(record('c', { submittedAt: T0 + 2 }), []);
    expect(imports.recent(2).map((r) => r.id)).toEqual(['b', 'c']);
  });

  it('latestForDomain finds the most recent import containing a domain', () => {
    imports.insert(record('old', { submittedAt: T0 }), domains(['a.com', 'failed']));
    imports.insert(record('new', { submittedAt: T0 + 9 }), domains(['a.com', 'pending']));
    expect(imports.latestForDomain('a.com')?.id).toBe('new');
    expect(imports.latestForDomain('zzz.com')).toBeUndefined();
  });

  it('due lists unfinished imports whose check is due, most overdue first', () => {
    imports.insert(record('late', { nextCheckAt: T0 - 10 }), []);
    imports.insert(record('later', { nextCheckAt: T0 - 5 }), []);
    imports.insert(record('future', { nextCheckAt: T0 + 5 }), []);
    imports.insert(record('finished', { phase: 'verified', nextCheckAt: null }), []);
    expect(imports.due(T0, 10).map((r) => r.id)).toEqual(['late', 'later']);
    expect(imports.due(T0, 1).map((r) => r.id)).toEqual(['late']);
  });

  it('oldestCheck is when the least recently checked unfinished import was last looked at', () => {
    expect(imports.oldestCheck()).toBeUndefined();
    imports.insert(record('checked', { submittedAt: T0 - 1000, lastCheckedAt: T0 - 10 }), []);
    imports.insert(record('never', { submittedAt: T0 - 50 }), []);
    imports.insert(record('finished', { submittedAt: T0 - 9999, nextCheckAt: null, phase: 'verified' }), []);
    expect(imports.oldestCheck()).toBe(T0 - 50);
  });
});

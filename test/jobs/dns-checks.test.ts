import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDnsLookup, type DnsLookup } from '../../src/dns/resolver.js';
import { createDnsChecks, type DnsChecks } from '../../src/jobs/dns-checks.js';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { createImportDnsRecorder } from '../../src/services/import-dns.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { createDnsRepo, type DnsRepo } from '../../src/store/dns-repo.js';
import { createImportsRepo, type ImportRecord, type ImportsRepo } from '../../src/store/imports-repo.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { type FakeDns, startFakeDns } from '../fakes/fake-dns.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const INTERVAL = 60_000;
const PAIR: [string, string] = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];

let fake: FakeDns;
let db: Db;
let imports: ImportsRepo;
let dns: DnsRepo;
let outbox: SlackOutboxRepo;
let lookup: DnsLookup;
let jobs: DnsChecks;
let clock: number;

beforeAll(async () => {
  fake = await startFakeDns();
});
afterAll(async () => {
  await fake.stop();
});

function setUp(options: { concurrency?: number; timeoutMs?: number } = {}): void {
  lookup = createDnsLookup({
    servers: [fake.address],
    timeoutMs: options.timeoutMs ?? 300,
    tries: 1,
    cacheTtlMs: INTERVAL,
    now: () => clock,
  });
  jobs = createDnsChecks({
    lookup,
    dns,
    imports,
    recordImport: createImportDnsRecorder({ db, imports, dns, outbox, intervalMs: INTERVAL }),
    logger: createLogger({ level: 'silent', scrubber: new SecretScrubber([]), write: () => undefined }),
    now: () => clock,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}

beforeEach(() => {
  clock = T0;
  fake.resetCounters();
  fake.setLatency(0);
  fake.setUnknown('nxdomain');
  db = openDatabase(':memory:');
  imports = createImportsRepo(db);
  dns = createDnsRepo(db);
  outbox = createSlackOutboxRepo(db);
  setUp();
});
afterEach(async () => {
  await jobs.stop();
  lookup.close();
});

function addImport(id: string, names: string[], patch: Partial<ImportRecord> = {}): void {
  imports.insert(
    {
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
      nextCheckAt: T0 + INTERVAL,
      lastCheckedAt: T0,
      checkFailures: 0,
      ...patch,
    },
    names.map((domain, position) => ({ domain, position, state: 'pending', failureReason: null })),
  );
}

const states = (id: string) =>
  Object.fromEntries(dns.domainStatesOf(id).map((state) => [state.domain, state.state]));

describe('the DNS checks of waiting imports', () => {
  it('looks each domain up at most once per interval, and again after it', async () => {
    fake.setRecords('a-once.com', { ns: ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'] });
    fake.setRecords('b-once.com', { ns: PAIR });
    addImport('imp_1', ['a-once.com', 'b-once.com']);

    expect(await jobs.runNow()).toMatchObject({ importsChecked: 1, domainsLookedUp: 2 });
    expect(states('imp_1')).toEqual({ 'a-once.com': 'elsewhere', 'b-once.com': 'pointing' });
    clock += INTERVAL - 1;
    expect(await jobs.runNow()).toMatchObject({ importsChecked: 0, domainsLookedUp: 0 });
    expect(fake.queryCount('NS', 'a-once.com')).toBe(1);

    clock += 1;
    expect(await jobs.runNow()).toMatchObject({ importsChecked: 1 });
    expect(fake.queryCount('NS', 'a-once.com')).toBe(2);
  });

  it('looks a domain up once even when two waiting imports list it', async () => {
    fake.setRecords('shared.com', { ns: PAIR });
    addImport('imp_1', ['shared.com']);
    addImport('imp_2', ['shared.com']);
    expect(await jobs.runNow()).toMatchObject({ importsChecked: 2, domainsLookedUp: 1 });
    expect(fake.queryCount('NS', 'shared.com')).toBe(1);
    expect(states('imp_2')).toEqual({ 'shared.com': 'pointing' });
  });

  it('keeps at most its own number of lookups on the wire', async () => {
    setUp({ concurrency: 4 });
    fake.setLatency(50);
    const names = Array.from({ length: 40 }, (_, i) => `bounded-${i}.com`);
    for (const name of names) fake.setRecords(name, { ns: PAIR });
    for (const [i, name] of names.entries()) addImport(`imp_${i}`, [name]);
    expect(await jobs.runNow()).toMatchObject({ importsChecked: 40, domainsLookedUp: 40 });
    expect(fake.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('takes the newest instructions first when the backlog is larger than a round', async () => {
    const names = Array.from({ length: 70 }, (_, i) => `backlog-${i}.com`);
    for (const [i, name] of names.entries()) addImport(`imp_${i}`, [name]);
    await jobs.runNow();
    clock += INTERVAL;
    addImport('imp_fresh', ['fresh.com'], { submittedAt: clock });
    fake.resetCounters();
    // Everything is due again; the never-checked import goes first.
    await jobs.runNow();
    expect(fake.queries[0]).toEqual({ type: 'NS', name: 'fresh.com' });
  });

  it('with a resolver that never answers, gives up per lookup and records "couldn’t check" without editing', async () => {
    setUp({ timeoutMs: 200 });
    fake.blackhole('silent.com');
    addImport('imp_1', ['silent.com']);
    outbox.ensureMessage({ type: 'import', id: 'imp_1' }, 'CCUST', T0);
    const version = outbox.messageFor({ type: 'import', id: 'imp_1' })?.contentVersion;
    await jobs.runNow();
    expect(dns.domainStatesOf('imp_1')).toMatchObject([{ state: 'unknown', lastError: 'timeout' }]);
    expect(outbox.messageFor({ type: 'import', id: 'imp_1' })?.contentVersion).toBe(version);
    // Not asked again within the interval.
    await jobs.runNow();
    expect(fake.queryCount('NS', 'silent.com')).toBe(1);
  });

  it('stops while lookups are on the wire, recording nothing more', async () => {
    // A lookup that would outlive the test: only closing the lookup service ends it.
    setUp({ timeoutMs: 120_000 });
    fake.blackhole('stuck.com');
    addImport('imp_1', ['stuck.com']);
    jobs.start();
    while (fake.queryCount('NS', 'stuck.com') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const stopped = jobs.stop();
    lookup.close();
    await stopped;
    expect(dns.domainStatesOf('imp_1')).toEqual([]);
    expect(dns.scheduleOf('imp_1')).toBeUndefined();
  });
});

import { createSocket, type Socket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createDnsLookup,
  type DnsLookup,
  type DnsLookupOptions,
  type DnsMetrics,
  normalizeDnsName,
  parseResolverList,
} from '../../src/dns/resolver.js';
import { type FakeDns, startFakeDns } from '../fakes/fake-dns.js';

let fake: FakeDns;
const lookups: DnsLookup[] = [];

beforeAll(async () => {
  fake = await startFakeDns();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.setLatency(0);
  fake.setUnknown('nxdomain');
  fake.resetCounters();
  fake.setRecords('acme-mail.com', {
    ns: ['Helena.NS.Cloudflare.com.', 'idris.ns.cloudflare.com', 'idris.ns.cloudflare.com'],
    mx: [
      { exchange: 'ALT1.aspmx.l.google.com.', priority: 5 },
      { exchange: 'aspmx.l.google.com', priority: 1 },
    ],
    txt: ['v=spf1 include:_spf.google.com ~all', ['google-site-verification=', 'abc123']],
  });
});

afterEach(() => {
  for (const lookup of lookups.splice(0)) lookup.close();
});

/** A lookup service on the fake, closed after each test. */
function lookupOn(options: DnsLookupOptions = {}): DnsLookup {
  const lookup = createDnsLookup({ servers: [fake.address], timeoutMs: 300, tries: 1, ...options });
  lookups.push(lookup);
  return lookup;
}

/** A UDP socket that receives and never answers: a resolver that is up but dead. */
async function silentServer(): Promise<{ socket: Socket; address: string }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { socket, address: `127.0.0.1:${socket.address().port}` };
}

function recordingMetrics() {
  const seen: Array<{ type: string; outcome: string; seconds: number | undefined }> = [];
  const metrics: DnsMetrics = {
    observe: (type, outcome, seconds) => seen.push({ type, outcome, seconds }),
  };
  return { metrics, seen };
}

describe('createDnsLookup answers', () => {
  it('ok: NS lowercased without trailing dots, sorted and de-duplicated', async () => {
    expect(await lookupOn().ns('acme-mail.com')).toEqual({
      status: 'ok',
      records: ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'],
    });
  });

  it('ok: MX normalised and sorted by priority', async () => {
    expect(await lookupOn().mx('acme-mail.com')).toEqual({
      status: 'ok',
      records: [
        { exchange: 'aspmx.l.google.com', priority: 1 },
        { exchange: 'alt1.aspmx.l.google.com', priority: 5 },
      ],
    });
  });

  it('ok: TXT with each record’s chunks joined', async () => {
    expect(await lookupOn().txt('acme-mail.com')).toEqual({
      status: 'ok',
      records: ['v=spf1 include:_spf.google.com ~all', 'google-site-verification=abc123'],
    });
  });

  it('normalises the name asked for: case and trailing dot', async () => {
    const lookup = lookupOn();
    expect((await lookup.ns('ACME-Mail.COM.')).status).toBe('ok');
    expect(fake.queryCount('NS', 'acme-mail.com')).toBe(1);
  });

  it('nxdomain for a name that does not exist', async () => {
    expect(await lookupOn().ns('no-such-domain.test')).toEqual({ status: 'nxdomain' });
  });

  it('nodata for a name without records of that type', async () => {
    fake.setRecords('no-mail.test', { ns: ['ns1.no-mail.test'] });
    expect(await lookupOn().mx('no-mail.test')).toEqual({ status: 'nodata' });
    expect(await lookupOn().txt('no-mail.test')).toEqual({ status: 'nodata' });
  });

  it('error servfail and refused', async () => {
    fake.servfail('broken.test');
    fake.refuse('refused.test');
    const lookup = lookupOn();
    expect(await lookup.ns('broken.test')).toEqual({ status: 'error', code: 'servfail' });
    expect(await lookup.ns('refused.test')).toEqual({ status: 'error', code: 'refused' });
  });

  it('error timeout for a name that never answers, within about timeout × tries', async () => {
    fake.blackhole('hole.test');
    const lookup = lookupOn({ timeoutMs: 100, tries: 2 });
    const started = Date.now();
    expect(await lookup.ns('hole.test')).toEqual({ status: 'error', code: 'timeout' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(600);
  });

  it('error bad_name for something that is not a domain, without a query', async () => {
    const lookup = lookupOn();
    expect(await lookup.ns('not a domain')).toEqual({ status: 'error', code: 'bad_name' });
    expect(await lookup.ns('')).toEqual({ status: 'error', code: 'bad_name' });
    expect(await lookup.ns(`${'a'.repeat(64)}.com`)).toEqual({ status: 'error', code: 'bad_name' });
    expect(fake.queries).toHaveLength(0);
  });
});

describe('createDnsLookup cache', () => {
  it('answers again from the cache within the TTL, and asks again after it', async () => {
    let clock = 1_000_000;
    const lookup = lookupOn({ cacheTtlMs: 60_000, now: () => clock });
    await lookup.ns('acme-mail.com');
    await lookup.ns('acme-mail.com');
    clock += 59_999;
    expect((await lookup.ns('acme-mail.com')).status).toBe('ok');
    expect(fake.queryCount('NS', 'acme-mail.com')).toBe(1);
    clock += 1;
    expect((await lookup.ns('acme-mail.com')).status).toBe('ok');
    expect(fake.queryCount('NS', 'acme-mail.com')).toBe(2);
  });

  it('caches per record type', async () => {
    const lookup = lookupOn();
    await lookup.ns('acme-mail.com');
    await lookup.mx('acme-mail.com');
    await lookup.mx('acme-mail.com');
    expect(fake.queryCount('NS', 'acme-mail.com')).toBe(1);
    expect(fake.queryCount('MX', 'acme-mail.com')).toBe(1);
  });

  it('caches negative answers for the full TTL', async () => {
    let clock = 0;
    const lookup = lookupOn({ cacheTtlMs: 60_000, now: () => clock });
    await lookup.ns('missing.test');
    clock += 30_000;
    expect(await lookup.ns('missing.test')).toEqual({ status: 'nxdomain' });
    expect(fake.queryCount('NS', 'missing.test')).toBe(1);
  });

  it('caches errors briefly (a tenth of the TTL by default), so a failing name is not hammered', async () => {
    let clock = 0;
    fake.servfail('broken.test');
    const lookup = lookupOn({ cacheTtlMs: 60_000, now: () => clock });
    await lookup.ns('broken.test');
    clock += 5_999;
    expect(await lookup.ns('broken.test')).toEqual({ status: 'error', code: 'servfail' });
    expect(fake.queryCount('NS', 'broken.test')).toBe(1);
    clock += 1;
    fake.setRecords('broken.test', { ns: ['ns1.fixed.test'] });
    expect(await lookup.ns('broken.test')).toEqual({ status: 'ok', records: ['ns1.fixed.test'] });
    expect(fake.queryCount('NS', 'broken.test')).toBe(2);
  });

  it('does not cache at all with a TTL of 0', async () => {
    const lookup = lookupOn({ cacheTtlMs: 0 });
    await lookup.ns('acme-mail.com');
    await lookup.ns('acme-mail.com');
    expect(fake.queryCount('NS', 'acme-mail.com')).toBe(2);
  });

  it('keeps at most maxCacheEntries answers, dropping the oldest', async () => {
    for (const name of ['a.test', 'b.test', 'c.test']) fake.setRecords(name, { ns: [`ns1.${name}`] });
    const lookup = lookupOn({ maxCacheEntries: 2 });
    await lookup.ns('a.test');
    await lookup.ns('b.test');
    await lookup.ns('c.test');
    expect(lookup.stats().cached).toBe(2);
    await lookup.ns('c.test');
    await lookup.ns('a.test');
    expect(fake.queryCount('NS', 'c.test')).toBe(1);
    expect(fake.queryCount('NS', 'a.test')).toBe(2);
  });
});

describe('createDnsLookup bounds', () => {
  it('shares one query among concurrent identical lookups', async () => {
    fake.setLatency(50);
    const lookup = lookupOn({ timeoutMs: 1000 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => lookup.ns('acme-mail.com')));
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set(['ok']));
    expect(fake.queryCount('NS', 'acme-mail.com')).toBe(1);
  });

  it('never has more than maxInFlight queries at the server', async () => {
    fake.setLatency(30);
    const names = Array.from({ length: 40 }, (_, index) => `d${index}.bulk.test`);
    for (const name of names) fake.setRecords(name, { ns: [`ns1.${name}`] });
    const lookup = lookupOn({ timeoutMs: 2000, maxInFlight: 4, maxQueued: 100 });
    const answers = await Promise.all(names.map((name) => lookup.ns(name)));
    expect(answers.every((answer) => answer.status === 'ok')).toBe(true);
    expect(fake.queries).toHaveLength(40);
    expect(fake.maxInFlight).toBeLessThanOrEqual(4);
    expect(fake.maxInFlight).toBeGreaterThanOrEqual(2);
  });

  it('answers busy at once when the queue is full, instead of piling up', async () => {
    fake.setLatency(300);
    const names = Array.from({ length: 30 }, (_, index) => `q${index}.busy.test`);
    for (const name of names) fake.setRecords(name, { ns: [`ns1.${name}`] });
    const { metrics, seen } = recordingMetrics();
    const lookup = lookupOn({ timeoutMs: 2000, maxInFlight: 2, maxQueued: 3, metrics });
    const started = Date.now();
    const pending = names.map((name) => lookup.ns(name));
    const busy = await Promise.all(pending.slice(5));
    expect(Date.now() - started).toBeLessThan(150);
    expect(busy.every((answer) => answer.status === 'error' && answer.code === 'busy')).toBe(true);
    expect(lookup.stats()).toMatchObject({ inFlight: 2, queued: 3 });
    const served = await Promise.all(pending.slice(0, 5));
    expect(served.every((answer) => answer.status === 'ok')).toBe(true);
    expect(fake.queries).toHaveLength(5);
    expect(seen.filter((entry) => entry.outcome === 'busy')).toHaveLength(25);
    expect(
      seen.filter((entry) => entry.outcome === 'busy').every((entry) => entry.seconds === undefined),
    ).toBe(true);
    // Busy answers are not cached: the next try goes out.
    expect((await lookup.ns(names[10]!)).status).toBe('ok');
  });

  it('a dead resolver (nobody listening) answers error quickly and never throws', async () => {
    // Bind and close a socket to get a port that is free: datagrams to it are refused.
    const { socket } = await silentServer();
    const port = socket.address().port;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    const lookup = createDnsLookup({ servers: [`127.0.0.1:${port}`], timeoutMs: 150, tries: 2 });
    lookups.push(lookup);
    const started = Date.now();
    const answers = await Promise.all([lookup.ns('acme-mail.com'), lookup.txt('acme-mail.com')]);
    expect(answers.map((answer) => answer.status)).toEqual(['error', 'error']);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('thousands of lookups at once: at most maxInFlight on the wire, maxQueued waiting, the rest busy', async () => {
    fake.setUnknown('nxdomain');
    fake.setLatency(20);
    const lookup = lookupOn({ timeoutMs: 2000, maxInFlight: 16, maxQueued: 100 });
    const answers = await Promise.all(
      Array.from({ length: 3000 }, (_, index) => lookup.ns(`d${index}.thousands.test`)),
    );
    const busy = answers.filter((answer) => answer.status === 'error' && answer.code === 'busy');
    expect(busy).toHaveLength(3000 - 116);
    expect(answers.filter((answer) => answer.status === 'nxdomain')).toHaveLength(116);
    expect(fake.queries).toHaveLength(116);
    expect(fake.maxInFlight).toBeLessThanOrEqual(16);
    expect(lookup.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('a silent resolver (port open, never answers) answers timeout within about timeout × tries', async () => {
    const { socket, address } = await silentServer();
    try {
      const lookup = createDnsLookup({ servers: [address], timeoutMs: 150, tries: 2 });
      lookups.push(lookup);
      const started = Date.now();
      const answers = await Promise.all([lookup.ns('acme-mail.com'), lookup.mx('acme-mail.com')]);
      const elapsed = Date.now() - started;
      expect(answers).toEqual([
        { status: 'error', code: 'timeout' },
        { status: 'error', code: 'timeout' },
      ]);
      expect(elapsed).toBeGreaterThanOrEqual(280);
      expect(elapsed).toBeLessThan(800);
    } finally {
      socket.close();
    }
  });

  it('falls through a dead resolver to a live one', async () => {
    const { socket, address } = await silentServer();
    try {
      const lookup = createDnsLookup({ servers: [address, fake.address], timeoutMs: 150, tries: 2 });
      lookups.push(lookup);
      expect((await lookup.ns('acme-mail.com')).status).toBe('ok');
    } finally {
      socket.close();
    }
  });

  it('close() answers lookups on the wire and in the queue with closed, and later ones too', async () => {
    fake.blackhole('hole.test');
    fake.blackhole('hole2.test');
    const lookup = lookupOn({ timeoutMs: 5_000, maxInFlight: 1 });
    const onWire = lookup.ns('hole.test');
    const queued = lookup.ns('hole2.test');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    lookup.close();
    expect(await onWire).toEqual({ status: 'error', code: 'closed' });
    expect(await queued).toEqual({ status: 'error', code: 'closed' });
    expect(Date.now() - started).toBeLessThan(200);
    expect(await lookup.ns('acme-mail.com')).toEqual({ status: 'error', code: 'closed' });
  });
});

describe('createDnsLookup metrics', () => {
  it('reports each query sent with its type, outcome and latency; cache hits are not lookups', async () => {
    const { metrics, seen } = recordingMetrics();
    fake.servfail('broken.test');
    const lookup = lookupOn({ metrics });
    await lookup.ns('acme-mail.com');
    await lookup.ns('acme-mail.com');
    await lookup.mx('missing.test');
    await lookup.txt('broken.test');
    expect(seen.map(({ type, outcome }) => [type, outcome])).toEqual([
      ['NS', 'ok'],
      ['MX', 'nxdomain'],
      ['TXT', 'servfail'],
    ]);
    for (const entry of seen) {
      expect(entry.seconds).toBeGreaterThanOrEqual(0);
      expect(entry.seconds).toBeLessThan(1);
    }
  });
});

describe('parseResolverList', () => {
  it('accepts IPv4 and IPv6 with or without a port, trimming spaces and empty items', () => {
    expect(parseResolverList(' 1.1.1.1, 8.8.8.8:53 ,,2606:4700::1111, [::1]:5353, [2001:db8::1] ')).toEqual({
      ok: true,
      servers: ['1.1.1.1', '8.8.8.8:53', '2606:4700::1111', '[::1]:5353', '2001:db8::1'],
    });
  });

  it('treats empty text as "the system resolvers"', () => {
    expect(parseResolverList('')).toEqual({ ok: true, servers: [] });
    expect(parseResolverList(undefined)).toEqual({ ok: true, servers: [] });
    expect(parseResolverList(' , ')).toEqual({ ok: true, servers: [] });
  });

  it.each([
    'dns.google',
    '1.1.1',
    '1.1.1.1:0',
    '1.1.1.1:65536',
    '1.1.1.1:dns',
    '1.1.1.1:53:53',
    '[1.1.1.1]:53',
    '[::1]:x',
    '::1:53x',
    '256.1.1.1',
  ])('rejects %s with a problem naming it', (item) => {
    const result = parseResolverList(`1.1.1.1,${item}`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).toContain(`"${item}"`);
      expect(result.problem).toMatch(/^must be/);
    }
  });

  it('createDnsLookup refuses a bad server list', () => {
    expect(() => createDnsLookup({ servers: ['dns.google'] })).toThrow(/Invalid DNS servers/);
  });
});

describe('normalizeDnsName', () => {
  it('lowercases, strips the trailing dot and converts IDNs to punycode', () => {
    expect(normalizeDnsName('Acme-Mail.COM.')).toBe('acme-mail.com');
    expect(normalizeDnsName('_dmarc.Acme.com')).toBe('_dmarc.acme.com');
    expect(normalizeDnsName('münchen.de')).toBe('xn--mnchen-3ya.de');
  });

  it.each(['', '.', 'a..b', '-a.com', 'a-.com', 'a b.com', `${'a'.repeat(64)}.com`])('rejects %j', (name) => {
    expect(normalizeDnsName(name)).toBeUndefined();
  });
});

import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDns, startFakeDns } from './fake-dns.js';

let fake: FakeDns;

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
});

/** A resolver pointed at the fake only, with a short timeout so misbehaviour shows quickly. */
function resolver(timeout = 200, tries = 1): Resolver {
  const r = new Resolver({ timeout, tries });
  r.setServers([fake.address]);
  return r;
}

const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: NodeJS.ErrnoException) => error.code,
  );

/** Sends one raw query with dns-packet and returns the decoded response, independent of c-ares. */
async function rawQuery(name: string, type: 'NS' | 'MX' | 'TXT'): Promise<dnsPacket.DecodedPacket> {
  const socket = createSocket('udp4');
  try {
    const response = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    const query = dnsPacket.encode({
      type: 'query',
      id: 4242,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type, name }],
    });
    socket.send(query, fake.port, '127.0.0.1');
    return dnsPacket.decode(await response);
  } finally {
    socket.close();
  }
}

describe('fake DNS server', () => {
  it('listens on 127.0.0.1 with an ephemeral port', () => {
    expect(fake.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(fake.address).toBe(`127.0.0.1:${fake.port}`);
  });

  it('answers NS, MX and TXT for a name, case-insensitively and with or without the trailing dot', async () => {
    fake.setRecords('Acme-Mail.com.', {
      ns: ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'],
      mx: [{ exchange: 'smtp.google.com', priority: 1 }],
      txt: ['v=spf1 include:_spf.google.com ~all', ['part one ', 'part two']],
    });
    const r = resolver();
    expect((await r.resolveNs('acme-mail.com')).sort()).toEqual([
      'helena.ns.cloudflare.com',
      'idris.ns.cloudflare.com',
    ]);
    expect(await r.resolveMx('ACME-MAIL.COM')).toEqual([{ exchange: 'smtp.google.com', priority: 1 }]);
    expect(await r.resolveTxt('acme-mail.com.')).toEqual([
      ['v=spf1 include:_spf.google.com ~all'],
      ['part one ', 'part two'],
    ]);
  });

  it('echoes the query id and question in a raw response', async () => {
    fake.setRecords('raw.test', { ns: ['ns1.raw.test'] });
    const response = await rawQuery('raw.test', 'NS');
    expect(response.id).toBe(4242);
    expect(response.type).toBe('response');
    expect(response.flag_aa).toBe(true);
    expect(response.questions).toEqual([{ name: 'raw.test', type: 'NS', class: 'IN' }]);
    expect(response.answers?.map((answer) => (answer.type === 'NS' ? answer.data : answer.type))).toEqual([
      'ns1.raw.test',
    ]);
  });

  it('answers NOERROR with no records for a type the name does not have', async () => {
    fake.setRecords('nodata.test', { ns: ['ns1.nodata.test'] });
    expect(await codeOf(resolver().resolveMx('nodata.test'))).toBe('ENODATA');
  });

  it('answers NXDOMAIN for unknown names, or what setUnknown says', async () => {
    expect(await codeOf(resolver().resolveNs('unknown.test'))).toBe('ENOTFOUND');
    // The low four bits of the flags are the RCODE; 3 is NXDOMAIN (RFC 1035 §4.1.1).
    expect((await rawQuery('unknown.test', 'NS')).flags! & 0xf).toBe(3);
    fake.setUnknown('servfail');
    expect(await codeOf(resolver().resolveNs('unknown.test'))).toBe('ESERVFAIL');
  });

  it('answers SERVFAIL, REFUSED or NXDOMAIN on demand, and forgets', async () => {
    fake.servfail('sf.test');
    fake.refuse('refused.test');
    fake.setRecords('gone.test', { ns: ['ns1.gone.test'] });
    fake.nxdomain('gone.test');
    expect(await codeOf(resolver().resolveNs('sf.test'))).toBe('ESERVFAIL');
    expect(await codeOf(resolver().resolveNs('refused.test'))).toBe('EREFUSED');
    expect(await codeOf(resolver().resolveNs('gone.test'))).toBe('ENOTFOUND');
    fake.setRecords('sf.test', { ns: ['ns1.sf.test'] });
    expect(await resolver().resolveNs('sf.test')).toEqual(['ns1.sf.test']);
    fake.forget('sf.test');
    expect(await codeOf(resolver().resolveNs('sf.test'))).toBe('ENOTFOUND');
  });

  it('never answers a blackholed name', async () => {
    fake.blackhole('hole.test');
    const started = Date.now();
    expect(await codeOf(resolver(100, 1).resolveNs('hole.test'))).toBe('ETIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(fake.queryCount('NS', 'hole.test')).toBe(1);
    expect(fake.inFlight).toBe(0);
  });

  it('delays every answer by the configured latency', async () => {
    fake.setRecords('slow.test', { ns: ['ns1.slow.test'] });
    fake.setLatency(150);
    const started = Date.now();
    await resolver(1000).resolveNs('slow.test');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('counts queries per (type, name) and measures concurrency', async () => {
    fake.setRecords('count.test', { ns: ['ns1.count.test'], mx: [{ exchange: 'mx.count.test' }] });
    fake.setLatency(50);
    const r = resolver(1000);
    await Promise.all([r.resolveNs('count.test'), r.resolveNs('COUNT.test'), r.resolveMx('count.test')]);
    expect(fake.queryCount('NS', 'count.test')).toBe(2);
    expect(fake.queryCount('ns', 'count.test.')).toBe(2);
    expect(fake.queryCount('MX', 'count.test')).toBe(1);
    expect(fake.queryCount('TXT', 'count.test')).toBe(0);
    expect(fake.queries).toHaveLength(3);
    expect(fake.maxInFlight).toBe(3);
    expect(fake.inFlight).toBe(0);
    fake.resetCounters();
    expect(fake.queryCount('NS', 'count.test')).toBe(0);
    expect(fake.maxInFlight).toBe(0);
  });

  it('stops cleanly, even with answers still pending', async () => {
    const other = await startFakeDns();
    other.setRecords('pending.test', { ns: ['ns1.pending.test'] });
    other.setLatency(5_000);
    const r = new Resolver({ timeout: 200, tries: 1 });
    r.setServers([other.address]);
    const answer = codeOf(r.resolveNs('pending.test'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.stop();
    await other.stop();
    expect(['ETIMEOUT', 'ECONNREFUSED']).toContain(await answer);
  });
});

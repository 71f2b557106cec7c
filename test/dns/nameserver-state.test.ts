import { describe, expect, it } from 'vitest';
import {
  classifyNameservers,
  type NameserverState,
  sameNameservers,
  summarizeImport,
} from '../../src/dns/nameserver-state.js';
import type { DnsAnswer } from '../../src/dns/resolver.js';

const ASSIGNED = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];
const ok = (...records: string[]): DnsAnswer<string> => ({ status: 'ok', records });

describe('classifyNameservers', () => {
  it('pointing when the current set is exactly the assigned pair', () => {
    expect(classifyNameservers(ASSIGNED, ok('idris.ns.cloudflare.com', 'helena.ns.cloudflare.com'))).toEqual({
      state: 'pointing',
    });
  });

  it('pointing regardless of case, trailing dots, order and repeats on either side', () => {
    expect(
      classifyNameservers(
        ['Helena.NS.cloudflare.com.', 'IDRIS.ns.cloudflare.com'],
        ok('idris.ns.cloudflare.com.', 'HELENA.NS.CLOUDFLARE.COM', 'helena.ns.cloudflare.com'),
      ),
    ).toEqual({ state: 'pointing' });
  });

  it('elsewhere at the old registrar, with the registrar guessed and what to change', () => {
    expect(
      classifyNameservers(ASSIGNED, ok('NS52.domaincontrol.com.', 'ns51.domaincontrol.com')),
    ).toMatchObject({
      state: 'elsewhere',
      current: ['ns51.domaincontrol.com', 'ns52.domaincontrol.com'],
      registrar: { id: 'godaddy', name: 'GoDaddy' },
      missing: ASSIGNED,
      extra: ['ns51.domaincontrol.com', 'ns52.domaincontrol.com'],
    });
  });

  it('elsewhere without a registrar when the nameservers are not in the table', () => {
    const state = classifyNameservers(ASSIGNED, ok('ns1.example.net', 'ns2.example.net'));
    expect(state).toEqual({
      state: 'elsewhere',
      current: ['ns1.example.net', 'ns2.example.net'],
      missing: ASSIGNED,
      extra: ['ns1.example.net', 'ns2.example.net'],
    });
    expect(state).not.toHaveProperty('registrar');
  });

  it('partial overlap (one assigned + one old) is still elsewhere, naming the old host', () => {
    expect(
      classifyNameservers(ASSIGNED, ok('helena.ns.cloudflare.com', 'dns1.registrar-servers.com')),
    ).toMatchObject({
      state: 'elsewhere',
      registrar: { id: 'namecheap' },
      missing: ['idris.ns.cloudflare.com'],
      extra: ['dns1.registrar-servers.com'],
    });
  });

  it('the assigned pair plus an old nameserver is still elsewhere', () => {
    expect(classifyNameservers(ASSIGNED, ok(...ASSIGNED, 'ns51.domaincontrol.com'))).toMatchObject({
      state: 'elsewhere',
      registrar: { id: 'godaddy' },
      missing: [],
      extra: ['ns51.domaincontrol.com'],
    });
  });

  it('only one of the assigned pair is elsewhere, with the other missing and no old host', () => {
    expect(classifyNameservers(ASSIGNED, ok('helena.ns.cloudflare.com'))).toEqual({
      state: 'elsewhere',
      current: ['helena.ns.cloudflare.com'],
      missing: ['idris.ns.cloudflare.com'],
      extra: [],
    });
  });

  it('one assigned plus another account’s Cloudflare nameserver is the Cloudflare trap', () => {
    expect(
      classifyNameservers(ASSIGNED, ok('helena.ns.cloudflare.com', 'kim.ns.cloudflare.com')),
    ).toMatchObject({
      state: 'other_cloudflare',
      missing: ['idris.ns.cloudflare.com'],
      extra: ['kim.ns.cloudflare.com'],
    });
  });

  it('other_cloudflare when it is on Cloudflare, but another account’s pair', () => {
    expect(classifyNameservers(ASSIGNED, ok('kim.ns.cloudflare.com', 'lars.ns.cloudflare.com'))).toEqual({
      state: 'other_cloudflare',
      current: ['kim.ns.cloudflare.com', 'lars.ns.cloudflare.com'],
      missing: ASSIGNED,
      extra: ['kim.ns.cloudflare.com', 'lars.ns.cloudflare.com'],
    });
  });

  it('Cloudflare mixed with another host is elsewhere, not the Cloudflare trap', () => {
    expect(classifyNameservers(ASSIGNED, ok('kim.ns.cloudflare.com', 'ns51.domaincontrol.com')).state).toBe(
      'elsewhere',
    );
  });

  it('Cloudflare nameservers are plain elsewhere when the assigned pair is not Cloudflare', () => {
    expect(
      classifyNameservers(
        ['ns1.peeker.example', 'ns2.peeker.example'],
        ok('kim.ns.cloudflare.com', 'lars.ns.cloudflare.com'),
      ),
    ).toMatchObject({ state: 'elsewhere', registrar: { id: 'cloudflare' } });
  });

  it('not_found for NXDOMAIN and for a name without NS records', () => {
    expect(classifyNameservers(ASSIGNED, { status: 'nxdomain' })).toEqual({ state: 'not_found' });
    expect(classifyNameservers(ASSIGNED, { status: 'nodata' })).toEqual({ state: 'not_found' });
  });

  it('unknown with the code when the lookup failed', () => {
    expect(classifyNameservers(ASSIGNED, { status: 'error', code: 'timeout' })).toEqual({
      state: 'unknown',
      code: 'timeout',
    });
    expect(classifyNameservers(ASSIGNED, { status: 'error', code: 'busy' })).toEqual({
      state: 'unknown',
      code: 'busy',
    });
  });

  it('without assigned nameservers nothing points: a resolving domain is elsewhere', () => {
    expect(classifyNameservers([], ok(...ASSIGNED))).toMatchObject({
      state: 'elsewhere',
      registrar: { id: 'cloudflare' },
      missing: [],
    });
  });
});

describe('sameNameservers', () => {
  it('compares as sets, ignoring case and trailing dots', () => {
    expect(sameNameservers(['A.example.', 'b.example'], ['b.EXAMPLE', 'a.example', 'a.example'])).toBe(true);
    expect(sameNameservers(['a.example'], ['a.example', 'b.example'])).toBe(false);
    expect(sameNameservers([], [])).toBe(true);
  });
});

describe('summarizeImport', () => {
  const pointing: NameserverState = { state: 'pointing' };
  const elsewhere: NameserverState = { state: 'elsewhere', current: ['ns1.x.test'], missing: [], extra: [] };
  const trap: NameserverState = { state: 'other_cloudflare', current: [], missing: [], extra: [] };
  const notFound: NameserverState = { state: 'not_found' };
  const unknown: NameserverState = { state: 'unknown', code: 'timeout' };

  it('allPointing when every domain points', () => {
    expect(summarizeImport([pointing, pointing])).toEqual({
      total: 2,
      pointing: 2,
      elsewhere: 0,
      otherCloudflare: 0,
      notFound: 0,
      unknown: 0,
      allPointing: true,
      anyUnknown: false,
      needsAction: 0,
    });
  });

  it('counts each state, and one unknown domain is enough to not be allPointing', () => {
    expect(summarizeImport([pointing, elsewhere, trap, notFound, unknown])).toEqual({
      total: 5,
      pointing: 1,
      elsewhere: 1,
      otherCloudflare: 1,
      notFound: 1,
      unknown: 1,
      allPointing: false,
      anyUnknown: true,
      needsAction: 3,
    });
    expect(summarizeImport([pointing, unknown]).allPointing).toBe(false);
  });

  it('an empty import is not allPointing', () => {
    expect(summarizeImport([]).allPointing).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import {
  guessRegistrar,
  isCloudflareNameserver,
  REGISTRARS,
  registrarOfNameserver,
} from '../../src/dns/registrars.js';

describe('REGISTRARS table', () => {
  it('has at least 18 entries with unique ids and names', () => {
    expect(REGISTRARS.length).toBeGreaterThanOrEqual(18);
    expect(new Set(REGISTRARS.map((entry) => entry.id)).size).toBe(REGISTRARS.length);
    expect(new Set(REGISTRARS.map((entry) => entry.name)).size).toBe(REGISTRARS.length);
  });

  it('gives every entry an https help URL and lowercase suffixes without dots at the ends', () => {
    for (const entry of REGISTRARS) {
      expect(new URL(entry.helpUrl).protocol, entry.id).toBe('https:');
      expect(entry.suffixes.length, entry.id).toBeGreaterThan(0);
      for (const suffix of entry.suffixes) {
        expect(suffix, entry.id).toBe(suffix.toLowerCase());
        expect(suffix, entry.id).not.toMatch(/^\.|\.$/);
        expect(suffix.split('.').length, entry.id).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('never lets two entries claim the same suffix', () => {
    const suffixes = REGISTRARS.flatMap((entry) => entry.suffixes);
    expect(new Set(suffixes).size).toBe(suffixes.length);
  });

  it('covers the registrars customers use most', () => {
    const ids = REGISTRARS.map((entry) => entry.id);
    for (const id of [
      'godaddy',
      'namecheap',
      'cloudflare',
      'squarespace',
      'porkbun',
      'ionos',
      'hover',
      'namecom',
      'gandi',
      'ovh',
      'network-solutions',
      'dynadot',
      'namesilo',
      'hostinger',
      'route53',
      'wix',
      'bluehost',
      'hostgator',
    ]) {
      expect(ids).toContain(id);
    }
  });
});

describe('registrarOfNameserver', () => {
  it.each([
    ['ns51.domaincontrol.com', 'godaddy'],
    ['ns1.secureserver.net', 'godaddy'],
    ['dns1.registrar-servers.com', 'namecheap'],
    ['helena.ns.cloudflare.com', 'cloudflare'],
    ['ns-cloud-a1.googledomains.com', 'squarespace'],
    ['connect1.squarespacedns.com', 'squarespace'],
    ['curitiba.ns.porkbun.com', 'porkbun'],
    ['ns1045.ui-dns.com', 'ionos'],
    ['ns1045.ui-dns.de', 'ionos'],
    ['ns1045.ui-dns.biz', 'ionos'],
    ['ns1045.ui-dns.org', 'ionos'],
    ['ns1.hover.com', 'hover'],
    ['ns1jsv.name.com', 'namecom'],
    ['ns-123-a.gandi.net', 'gandi'],
    ['dns10.ovh.net', 'ovh'],
    ['ns41.worldnic.com', 'network-solutions'],
    ['ns1.dyna-ns.net', 'dynadot'],
    ['ns1.dnsowl.com', 'namesilo'],
    ['ns1.dns-parking.com', 'hostinger'],
    ['ns-1234.awsdns-12.org', 'route53'],
    ['ns-567.awsdns-07.net', 'route53'],
    ['ns-89.awsdns-11.com', 'route53'],
    ['ns-1700.awsdns-20.co.uk', 'route53'],
    ['ns0.wixdns.net', 'wix'],
    ['ns1.bluehost.com', 'bluehost'],
    ['ns8263.websitewelcome.com', 'hostgator'],
    ['ns1.digitalocean.com', 'digitalocean'],
    ['ns1-01.azure-dns.com', 'azure'],
  ])('%s → %s', (nameserver, id) => {
    expect(registrarOfNameserver(nameserver)?.id).toBe(id);
  });

  it('ignores case and the trailing dot', () => {
    expect(registrarOfNameserver('NS51.DomainControl.COM.')?.id).toBe('godaddy');
  });

  it('matches on label boundaries only', () => {
    expect(registrarOfNameserver('ns1.evilname.com')).toBeUndefined();
    expect(registrarOfNameserver('ns1.notdomaincontrol.com')).toBeUndefined();
    expect(registrarOfNameserver('ns.cloudflare.com.evil.net')).toBeUndefined();
    expect(registrarOfNameserver('ns1.cloudflare.com')).toBeUndefined();
    expect(registrarOfNameserver('ns1.awsdns-.com')).toBeUndefined();
    expect(registrarOfNameserver('ns1.awsdns-12.com.example')).toBeUndefined();
    expect(registrarOfNameserver('ui-dns.com')?.id).toBe('ionos');
  });

  it('is undefined for a nameserver nobody claims', () => {
    expect(registrarOfNameserver('ns1.example.net')).toBeUndefined();
    expect(registrarOfNameserver('')).toBeUndefined();
  });
});

describe('guessRegistrar', () => {
  it('names the company behind a domain’s nameservers', () => {
    expect(guessRegistrar(['ns51.domaincontrol.com', 'ns52.domaincontrol.com'])?.name).toBe('GoDaddy');
  });

  it('prefers the company with the most nameservers when they are mixed', () => {
    expect(
      guessRegistrar(['dns1.registrar-servers.com', 'ns51.domaincontrol.com', 'dns2.registrar-servers.com'])
        ?.id,
    ).toBe('namecheap');
  });

  it('counts a nameserver listed twice (in any spelling) once', () => {
    expect(
      guessRegistrar(['NS51.domaincontrol.com.', 'ns51.domaincontrol.com', 'dns1.registrar-servers.com'])?.id,
    ).toBe('godaddy');
  });

  it('breaks ties by table order', () => {
    expect(guessRegistrar(['dns1.registrar-servers.com', 'ns51.domaincontrol.com'])?.id).toBe('godaddy');
  });

  it('ignores unknown nameservers and is undefined when none are known', () => {
    expect(guessRegistrar(['ns1.example.net', 'ns1.porkbun.com'])?.id).toBe('porkbun');
    expect(guessRegistrar(['ns1.example.net'])).toBeUndefined();
    expect(guessRegistrar([])).toBeUndefined();
  });
});

describe('isCloudflareNameserver', () => {
  it("is true for Cloudflare's nameservers only", () => {
    expect(isCloudflareNameserver('Helena.NS.Cloudflare.com.')).toBe(true);
    expect(isCloudflareNameserver('ns1.foundationdns.com')).toBe(true);
    expect(isCloudflareNameserver('ns51.domaincontrol.com')).toBe(false);
    expect(isCloudflareNameserver('cloudflare.com')).toBe(false);
  });
});

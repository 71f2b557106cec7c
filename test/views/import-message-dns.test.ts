import { describe, expect, it } from 'vitest';
import { blockTextLength } from '../../src/views/blocks.js';
import type { DomainDnsView } from '../../src/views/import-dns-lines.js';
import {
  describeFailureReason,
  domainsFitInMessage,
  type ImportMessageModel,
  renderImportMessage,
} from '../../src/views/import-message.js';
import { renderDomainListReplies } from '../../src/views/import-replies.js';
import { LIMITS } from '../../src/views/limits.js';

/** Every string a rendered message shows. */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => (key === 'type' ? [] : texts(inner)));
  }
  return [];
}
const shown = (model: ImportMessageModel) => texts(renderImportMessage(model)).join('\n');

const GODADDY = {
  name: 'GoDaddy',
  helpUrl: 'https://www.godaddy.com/help/change-nameservers-for-my-domains-664',
};
const CLOUDFLARE = {
  name: 'Cloudflare',
  helpUrl: 'https://developers.cloudflare.com/dns/nameservers/update-nameservers/',
};

function model(dns: Record<string, DomainDnsView | undefined>, patch: Partial<ImportMessageModel> = {}) {
  const names = Object.keys(dns);
  const result: ImportMessageModel = {
    phase: 'awaiting_dns',
    domains: names.map((domain) => ({ domain, state: 'pending', failureReason: null, dns: dns[domain] })),
    nameserverGroups: [
      { nameservers: ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'], domains: names },
    ],
    waitedMs: 3_600_000,
    ...patch,
  };
  return result;
}

describe('the instructions with the DNS check', () => {
  it('shows a line per domain: set, still at its nameservers with the registrar, another Cloudflare account, not in DNS, not checkable', () => {
    const text = shown(
      model({
        'done.com': { state: 'pointing' },
        'godaddy-one.com': {
          state: 'elsewhere',
          current: ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'],
          registrar: GODADDY,
        },
        'mystery.com': { state: 'elsewhere', current: ['ns1.example-dns.net'] },
        'trap.com': {
          state: 'other_cloudflare',
          current: ['adam.ns.cloudflare.com', 'eve.ns.cloudflare.com'],
          registrar: CLOUDFLARE,
        },
        'gone.com': { state: 'not_found' },
        'flaky.com': { state: 'unknown' },
        'new.com': undefined,
      }),
    );
    expect(text).toContain('✅ done.com — nameservers set');
    expect(text).toContain(
      '⏳ godaddy-one.com — still at `ns1.domaincontrol.com`, `ns2.domaincontrol.com` (GoDaddy)',
    );
    expect(text).toContain('⏳ mystery.com — still at `ns1.example-dns.net`');
    expect(text).toContain('⚠️ trap.com — *another Cloudflare account*: still at `adam.ns.cloudflare.com`');
    expect(text).toContain('❓ gone.com — not found in DNS');
    expect(text).toContain('⏳ flaky.com — couldn’t check just now');
    expect(text).toMatch(/⏳ new\.com(\n|$)/);
    expect(text).toContain(`<${GODADDY.helpUrl}|how to change nameservers at GoDaddy>`);
    expect(text).toContain(`<${CLOUDFLARE.helpUrl}|how to change nameservers at Cloudflare>`);
    expect(text).toContain('being on Cloudflare is not enough');
    // Still the usual status line while any domain is not switched.
    expect(text).toContain('Waiting for the nameserver change');
  });

  it('says "nameservers set — waiting for Peeker to confirm" when every domain points at Peeker', () => {
    const all = model(
      { 'a.com': { state: 'pointing' }, 'b.com': { state: 'pointing' } },
      { phase: 'waiting_on_registrar', nameserversSet: true },
    );
    const message = renderImportMessage(all);
    expect(texts(message).join('\n')).toContain('Nameservers set — waiting for Peeker to confirm');
    expect(texts(message).join('\n')).not.toContain('Waiting on the registrar for');
    expect(message.text).toContain('Nameservers set — waiting for Peeker to confirm');
  });

  it('drops the DNS lines once verified', () => {
    const verified = model({ 'a.com': { state: 'elsewhere', current: ['ns1.domaincontrol.com'] } });
    const text = shown({
      ...verified,
      phase: 'verified',
      domains: verified.domains.map((domain) => ({ ...domain, state: 'verified' })),
    });
    expect(text).toContain('✅ a.com');
    expect(text).not.toContain('still at');
  });

  it('escapes what DNS answered', () => {
    const text = shown(
      model({
        '<!channel>.com': {
          state: 'elsewhere',
          current: ['<!here>.evil', 'ns`x`.evil'],
          registrar: { name: '<@U1>', helpUrl: 'https://evil.example/a|b' },
        },
      }),
    );
    expect(text).not.toMatch(/<!channel>|<!here>|<@U1>|evil\.example/);
  });
});

describe('the DNS lines within the message budget', () => {
  const longNs = Array.from(
    { length: 6 },
    (_, i) => `ns${i}.a-very-long-nameserver-hostname-of-some-dns-host.example.net`,
  );

  it('falls back to short lines, then to plain ones, without changing whether every domain fits', () => {
    const names = Array.from({ length: 25 }, (_, i) => `a-rather-long-customer-domain-${i}.com`);
    const dns = Object.fromEntries(
      names.map((name): [string, DomainDnsView] => [
        name,
        { state: 'elsewhere', current: longNs, registrar: GODADDY },
      ]),
    );
    const withDns = model(dns);
    const withoutDns = model(Object.fromEntries(names.map((name) => [name, undefined])));
    expect(domainsFitInMessage(withDns)).toBe(domainsFitInMessage(withoutDns));
    expect(renderDomainListReplies(withDns)).toEqual(renderDomainListReplies(withoutDns));
    const message = renderImportMessage(withDns);
    for (const block of message.blocks) {
      const text = (block as { text?: { text?: string } }).text?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
    expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlockText);
    const text = texts(message).join('\n');
    // Six long nameservers per domain do not fit a section: the short form names the registrar.
    expect(text).toContain('⏳ a-rather-long-customer-domain-0.com — not switched yet (GoDaddy)');
    expect(text).toContain('how to change nameservers at GoDaddy');
  });

  it('summarises the check for a 500-domain import and still shows every nameserver group within limits', () => {
    const names = Array.from({ length: 500 }, (_, i) => `a-rather-long-customer-domain-${i}.com`);
    const states: DomainDnsView[] = [
      { state: 'pointing' },
      { state: 'elsewhere', current: longNs, registrar: GODADDY },
      { state: 'not_found' },
      { state: 'other_cloudflare', current: ['adam.ns.cloudflare.com'], registrar: CLOUDFLARE },
    ];
    const groups = Array.from({ length: 30 }, (_, g) => ({
      nameservers: [`ns${g}a.ns.cloudflare.com`, `ns${g}b.ns.cloudflare.com`] as [string, string],
      domains: names.slice(g * 16, g * 16 + 16),
    }));
    groups[0]?.domains.push(...names.slice(480));
    const message = renderImportMessage({
      phase: 'awaiting_dns',
      domains: names.map((domain, i) => ({
        domain,
        state: 'pending',
        failureReason: null,
        dns: states[i % states.length],
      })),
      nameserverGroups: groups,
      waitedMs: 0,
    });
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlockText);
    const text = texts(message).join('\n');
    for (const group of groups) expect(text).toContain(group.nameservers[0]);
    expect(text).toContain('listed in the thread');
    expect(text).toContain('✅ 125 nameservers set');
    expect(text).toContain('⏳ 125 not switched yet');
    expect(text).toContain('❓ 125 not found in DNS');
    expect(text).toContain('⚠️ 125 on another Cloudflare account');
    expect(text).toContain('Not switched yet: a-rather-long-customer-domain-1.com');
    expect(text).toContain('how to change nameservers at GoDaddy');
  });
});

describe('failed rows in the customer’s message', () => {
  it('shows known reasons in words, and an unknown Peeker code to no customer', () => {
    const text = shown(
      model(
        { 'ok.com': undefined },
        {
          domains: [
            { domain: 'ok.com', state: 'pending', failureReason: null },
            { domain: 'locked.com', state: 'failed', failureReason: 'registrar_lock' },
            { domain: 'odd.com', state: 'failed', failureReason: 'partner_quota_exceeded' },
          ],
        },
      ),
    );
    expect(text).toContain('locked at the registrar');
    expect(text).toContain('odd.com');
    expect(text).not.toContain('quota');
    expect(text).toContain('not accepted (our team will follow up)');
  });

  it('the ops person still sees the unknown code in words', () => {
    expect(describeFailureReason('partner_quota_exceeded')).toBe('partner quota exceeded');
    expect(describeFailureReason('partner_quota_exceeded', 'customer')).not.toContain('quota');
  });
});

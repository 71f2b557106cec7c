import { describe, expect, it } from 'vitest';
import { checkMailDns, type MailCheckInput } from '../../src/dns/mail-check.js';
import { blockTextLength } from '../../src/views/blocks.js';
import { renderDnsHealthReply, renderDnsReport } from '../../src/views/dns-report.js';
import { LIMITS } from '../../src/views/limits.js';

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => (key === 'type' ? [] : texts(inner)));
  }
  return [];
}

const input = (patch: Partial<MailCheckInput> = {}): MailCheckInput => ({
  domain: 'acme-mail.com',
  ns: { status: 'ok', records: ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'] },
  mx: { status: 'ok', records: [{ exchange: 'smtp.google.com', priority: 1 }] },
  txt: { status: 'ok', records: ['v=spf1 include:_spf.google.com ~all'] },
  dmarc: { status: 'ok', records: ['v=DMARC1; p=none'] },
  ...patch,
});

describe('the /peeker dns report', () => {
  it('lists each record and says when nothing needs fixing', () => {
    const shown = texts(
      renderDnsReport(checkMailDns(input()), { assignedKnown: false, connected: false }),
    ).join('\n');
    expect(shown).toContain('*Nameservers:* `ns1.domaincontrol.com`');
    expect(shown).toContain('GoDaddy');
    expect(shown).toContain('*MX:* ✅ Google Workspace: `smtp.google.com` (1)');
    expect(shown).toContain('*SPF:* ✅ `v=spf1 include:_spf.google.com ~all`');
    expect(shown).toContain('*DMARC:* ✅ `v=DMARC1; p=none`');
    expect(shown).toContain('No problems found');
    expect(shown).toContain('not imported here');
  });

  it('shows each problem with its fix, the registrar help page, and what the provider expects', () => {
    const report = checkMailDns(input({ mx: { status: 'nodata' } }), {
      assignedNameservers: ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'],
      provider: 'microsoft',
    });
    const message = renderDnsReport(report, { assignedKnown: true, connected: true });
    const shown = texts(message).join('\n');
    expect(shown).toContain(
      '❌ `ns1.domaincontrol.com`, `ns2.domaincontrol.com` — GoDaddy — not the nameservers Peeker assigned',
    );
    expect(shown).toContain('*Fix:* Replace all of its nameservers at GoDaddy');
    expect(shown).toContain('<https://www.godaddy.com/help/change-nameservers-for-my-domains-664|');
    expect(shown).toContain('has no MX records');
    expect(shown).toContain('What Microsoft 365 expects');
    expect(shown).toContain('acme-mail-com.mail.protection.outlook.com');
    expect(message.text).toContain('3 problems to fix');
  });

  it('says a check could not be made rather than inventing a problem', () => {
    const shown = texts(
      renderDnsReport(checkMailDns(input({ mx: { status: 'error', code: 'timeout' } })), {
        assignedKnown: false,
        connected: false,
      }),
    ).join('\n');
    expect(shown).toContain('*MX:* ⏳ couldn’t check just now — the DNS server did not answer in time');
    expect(shown).not.toContain('no MX records');
  });

  it('escapes whatever DNS answered and stays within Slack’s limits', () => {
    const hostile = '<!channel> <@U123> <https://evil.example|x>';
    const report = checkMailDns(
      input({
        ns: { status: 'ok', records: ['<!here>.evil', 'b'.repeat(60)] },
        mx: { status: 'ok', records: [{ exchange: '<!channel>', priority: 1 }] },
        txt: { status: 'ok', records: [`v=spf1 ${hostile} ${'x'.repeat(4000)}`, `v=spf1 ${hostile}`] },
        dmarc: { status: 'ok', records: [`v=DMARC1; ${hostile}`] },
      }),
      { assignedNameservers: ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'], provider: 'google' },
    );
    const message = renderDnsReport(report, { assignedKnown: true, connected: true });
    for (const text of texts(message)) expect(text).not.toMatch(/<!channel>|<!here>|<@U|<https:\/\/evil/);
    expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlockText);
    for (const block of message.blocks) {
      const text = (block as { text?: { text?: string } }).text?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
  });
});

describe('the health watch reply', () => {
  it('names problems that appeared with their fixes, and those fixed, in plain words', () => {
    const report = checkMailDns(input({ mx: { status: 'nodata' } }), { provider: 'google' });
    const reply = renderDnsHealthReply({
      domain: 'acme-mail.com',
      appeared: report.problems.filter((problem) => problem.kind === 'no_mx'),
      cleared: ['multiple_spf'],
    });
    expect(reply.text).toContain('DNS check of acme-mail.com');
    expect(reply.text).toContain('❌ acme-mail.com has no MX records');
    expect(reply.text).toContain(
      '*Fix:* Add the MX record Google Workspace expects: smtp.google.com (priority 1)',
    );
    expect(reply.text).toContain('✅ Fixed: there is a single SPF record again.');
    expect(reply.text).not.toMatch(/ord_|imp_|req_/);
  });
});

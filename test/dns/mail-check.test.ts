import { describe, expect, it } from 'vitest';
import { checkMailDns, type MailCheckInput, type MailProblemKind } from '../../src/dns/mail-check.js';
import { providerExpectations } from '../../src/dns/mail-providers.js';
import type { DnsAnswer, MxRecord } from '../../src/dns/resolver.js';

const ASSIGNED = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];
const ok = <T>(...records: T[]): DnsAnswer<T> => ({ status: 'ok', records });
const GOOGLE_MX: MxRecord[] = [
  { exchange: 'aspmx.l.google.com', priority: 1 },
  { exchange: 'alt1.aspmx.l.google.com', priority: 5 },
  { exchange: 'aspmx2.googlemail.com', priority: 10 },
];

/** A domain set up right for Google Workspace; each test breaks one thing. */
function healthy(overrides: Partial<MailCheckInput> = {}): MailCheckInput {
  return {
    domain: 'Acme-Mail.com.',
    ns: ok(...ASSIGNED),
    mx: ok(...GOOGLE_MX),
    txt: ok('google-site-verification=abc', 'v=spf1 include:_spf.google.com ~all'),
    dmarc: ok('v=DMARC1; p=quarantine; rua=mailto:dmarc@acme-mail.com'),
    ...overrides,
  };
}

const kinds = (input: MailCheckInput, options = {}): MailProblemKind[] =>
  checkMailDns(input, options).problems.map((problem) => problem.kind);

describe('checkMailDns on a healthy domain', () => {
  it('reports every check and no problems', () => {
    const report = checkMailDns(healthy(), { assignedNameservers: ASSIGNED, provider: 'google' });
    expect(report.domain).toBe('acme-mail.com');
    expect(report.ns).toMatchObject({ status: 'found', nameservers: ASSIGNED, matchesAssigned: true });
    expect(report.ns).toMatchObject({ registrar: { id: 'cloudflare' } });
    expect(report.mx).toEqual({ status: 'found', provider: 'google', hosts: GOOGLE_MX });
    expect(report.spf).toEqual({
      status: 'one',
      record: 'v=spf1 include:_spf.google.com ~all',
      includesGoogle: true,
      includesMicrosoft: false,
      all: '~all',
    });
    expect(report.dmarc).toEqual({
      status: 'found',
      record: 'v=DMARC1; p=quarantine; rua=mailto:dmarc@acme-mail.com',
      policy: 'quarantine',
    });
    expect(report.problems).toEqual([]);
    expect(report.unchecked).toEqual([]);
    expect(report.expected).toEqual({
      provider: 'google',
      mx: [{ exchange: 'smtp.google.com', priority: 1 }],
      spfInclude: '_spf.google.com',
      spfRecord: 'v=spf1 include:_spf.google.com ~all',
    });
  });

  it('leaves matchesAssigned and expected out when the app does not know them', () => {
    const report = checkMailDns(healthy());
    expect(report.ns).not.toHaveProperty('matchesAssigned');
    expect(report).not.toHaveProperty('expected');
    expect(report.problems).toEqual([]);
  });

  it('recognises a Microsoft 365 setup', () => {
    const report = checkMailDns(
      healthy({
        mx: ok({ exchange: 'acme-mail-com.mail.protection.outlook.com', priority: 0 }),
        txt: ok('v=spf1 include:spf.protection.outlook.com -all'),
      }),
      { provider: 'microsoft' },
    );
    expect(report.mx).toMatchObject({ status: 'found', provider: 'microsoft' });
    expect(report.spf).toMatchObject({ includesMicrosoft: true, all: '-all' });
    expect(report.problems).toEqual([]);
    expect(report.expected?.mx).toEqual([
      { exchange: 'acme-mail-com.mail.protection.outlook.com', priority: 0 },
    ]);
  });

  it('classifies smtp.google.com and *.mx.microsoft hosts', () => {
    expect(checkMailDns(healthy({ mx: ok({ exchange: 'smtp.google.com', priority: 1 }) })).mx).toMatchObject({
      provider: 'google',
    });
    expect(
      checkMailDns(healthy({ mx: ok({ exchange: 'acme-mail-com.o-v1.mx.microsoft', priority: 0 }) })).mx,
    ).toMatchObject({ provider: 'microsoft' });
    expect(checkMailDns(healthy({ mx: ok({ exchange: 'mx1.zoho.com', priority: 10 }) })).mx).toMatchObject({
      provider: 'other',
    });
  });
});

describe('checkMailDns problems', () => {
  it('domain_not_found when the domain is not in DNS', () => {
    const report = checkMailDns(healthy({ ns: { status: 'nxdomain' } }));
    expect(report.ns).toEqual({ status: 'not_found' });
    expect(report.problems[0]).toMatchObject({ kind: 'domain_not_found', severity: 'error', check: 'ns' });
    expect(report.problems[0]?.fix).toMatch(/spelling|renew/);
  });

  it('nameservers_not_assigned, with the registrar’s help page', () => {
    const report = checkMailDns(healthy({ ns: ok('ns51.domaincontrol.com', 'ns52.domaincontrol.com') }), {
      assignedNameservers: ASSIGNED,
    });
    expect(report.ns).toMatchObject({ matchesAssigned: false, registrar: { id: 'godaddy' } });
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'nameservers_not_assigned',
        helpUrl: 'https://www.godaddy.com/help/change-nameservers-for-my-domains-664',
      }),
    ]);
    expect(report.problems[0]?.fix).toContain('at GoDaddy');
    expect(report.problems[0]?.fix).toContain('helena.ns.cloudflare.com and idris.ns.cloudflare.com');
  });

  it('no_mx when there are no MX records, with the provider’s records as the fix', () => {
    const report = checkMailDns(healthy({ mx: { status: 'nodata' } }), { provider: 'google' });
    expect(report.mx).toEqual({ status: 'none' });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'no_mx', severity: 'error' })]);
    expect(report.problems[0]?.fix).toContain('smtp.google.com (priority 1)');
    expect(kinds(healthy({ mx: { status: 'nxdomain' } }))).toEqual(['no_mx']);
  });

  it('null_mx when the domain says it accepts no mail (RFC 7505)', () => {
    const report = checkMailDns(healthy({ mx: ok({ exchange: '', priority: 0 }) }));
    expect(report.mx).toEqual({ status: 'null_mx' });
    expect(kinds(healthy({ mx: ok({ exchange: '.', priority: 0 }) }))).toEqual(['null_mx']);
  });

  it('mx_not_provider when mail goes to another provider', () => {
    const input = healthy({ mx: ok({ exchange: 'mx1.zoho.com', priority: 10 }) });
    const report = checkMailDns(input, { provider: 'google' });
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'mx_not_provider', severity: 'error' }),
    ]);
    expect(report.problems[0]?.message).toContain('mx1.zoho.com');
    expect(report.problems[0]?.fix).toContain('Remove the MX records for mx1.zoho.com');
  });

  it('mx_not_provider when the provider is mixed with other servers', () => {
    const report = checkMailDns(
      healthy({ mx: ok(...GOOGLE_MX, { exchange: 'mail.old-host.test', priority: 20 }) }),
      { provider: 'google' },
    );
    expect(report.mx).toMatchObject({ provider: 'mixed' });
    expect(report.problems[0]).toMatchObject({ kind: 'mx_not_provider' });
    expect(report.problems[0]?.message).toContain(
      'mix Google Workspace with other servers (mail.old-host.test)',
    );
  });

  it('no_spf when no TXT record is SPF, with the provider’s record as the fix', () => {
    const report = checkMailDns(healthy({ txt: ok('google-site-verification=abc', 'v=spf10 nope') }), {
      provider: 'microsoft',
    });
    expect(report.spf).toEqual({ status: 'none' });
    const problem = report.problems.find((each) => each.kind === 'no_spf');
    expect(problem?.fix).toContain('v=spf1 include:spf.protection.outlook.com -all');
    expect(kinds(healthy({ txt: { status: 'nodata' } }))).toEqual(['no_spf']);
  });

  it('multiple_spf when there is more than one v=spf1 record', () => {
    const report = checkMailDns(
      healthy({ txt: ok('v=spf1 include:_spf.google.com ~all', 'V=SPF1 include:mailgun.org ~all') }),
    );
    expect(report.spf).toMatchObject({ status: 'multiple' });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'multiple_spf', severity: 'error' })]);
    expect(report.problems[0]?.fix).toMatch(/Merge/);
  });

  it('spf_missing_provider when the SPF record lacks the provider’s include', () => {
    const input = healthy({ txt: ok('v=spf1 include:mailgun.org ~all') });
    expect(kinds(input, { provider: 'google' })).toEqual(['spf_missing_provider']);
    expect(kinds(input)).toEqual([]);
  });

  it('spf_allows_anyone when the record ends in +all (or a bare all)', () => {
    expect(kinds(healthy({ txt: ok('v=spf1 include:_spf.google.com +all') }))).toEqual(['spf_allows_anyone']);
    const report = checkMailDns(healthy({ txt: ok('v=spf1 include:_spf.google.com all') }));
    expect(report.spf).toMatchObject({ all: '+all' });
    expect(report.problems[0]).toMatchObject({ kind: 'spf_allows_anyone', severity: 'warning' });
  });

  it('no_dmarc when _dmarc has no DMARC record (missing, or other TXT only)', () => {
    const report = checkMailDns(healthy({ dmarc: { status: 'nxdomain' } }));
    expect(report.dmarc).toEqual({ status: 'none' });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'no_dmarc', severity: 'warning' })]);
    expect(report.problems[0]?.fix).toContain('_dmarc.acme-mail.com');
    expect(kinds(healthy({ dmarc: ok('some-other-verification=1') }))).toEqual(['no_dmarc']);
  });

  it('multiple_dmarc when _dmarc has more than one DMARC record', () => {
    expect(kinds(healthy({ dmarc: ok('v=DMARC1; p=none', 'v=DMARC1; p=reject') }))).toEqual([
      'multiple_dmarc',
    ]);
  });

  it('dmarc_no_policy when the record has no valid p= tag', () => {
    const report = checkMailDns(healthy({ dmarc: ok('v=DMARC1; rua=mailto:x@acme-mail.com') }));
    expect(report.dmarc).toEqual({ status: 'found', record: 'v=DMARC1; rua=mailto:x@acme-mail.com' });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'dmarc_no_policy' })]);
    expect(kinds(healthy({ dmarc: ok('v=DMARC1; p=maybe') }))).toEqual(['dmarc_no_policy']);
  });

  it('reads DMARC leniently: case and spaces around tags', () => {
    expect(checkMailDns(healthy({ dmarc: ok('V = dmarc1 ; P = Reject') })).dmarc).toMatchObject({
      policy: 'reject',
    });
  });

  it('lists several problems at once', () => {
    expect(
      kinds(
        healthy({
          mx: { status: 'nodata' },
          txt: { status: 'nodata' },
          dmarc: { status: 'nxdomain' },
        }),
      ),
    ).toEqual(['no_mx', 'no_spf', 'no_dmarc']);
  });

  it('gives every problem a message and a fix', () => {
    const report = checkMailDns(
      healthy({
        ns: ok('ns1.example.net'),
        mx: ok({ exchange: 'mx1.zoho.com', priority: 10 }),
        txt: ok('v=spf1 +all', 'v=spf1 -all'),
        dmarc: ok('v=DMARC1; p=none', 'v=DMARC1; p=none'),
      }),
      { assignedNameservers: ASSIGNED, provider: 'google' },
    );
    expect(report.problems.length).toBeGreaterThanOrEqual(4);
    for (const problem of report.problems) {
      expect(problem.message.length).toBeGreaterThan(10);
      expect(problem.fix.length).toBeGreaterThan(10);
    }
  });
});

describe('checkMailDns when lookups fail', () => {
  it('turns each failed lookup into a "couldn’t check" item, never a problem or an exception', () => {
    const error = (code: 'timeout' | 'servfail' | 'busy' | 'unreachable') => ({
      status: 'error' as const,
      code,
    });
    const report = checkMailDns(
      {
        domain: 'acme-mail.com',
        ns: error('timeout'),
        mx: error('servfail'),
        txt: error('busy'),
        dmarc: error('unreachable'),
      },
      { assignedNameservers: ASSIGNED, provider: 'google' },
    );
    expect(report.ns).toEqual({ status: 'unknown', code: 'timeout' });
    expect(report.mx).toEqual({ status: 'unknown', code: 'servfail' });
    expect(report.spf).toEqual({ status: 'unknown', code: 'busy' });
    expect(report.dmarc).toEqual({ status: 'unknown', code: 'unreachable' });
    expect(report.problems).toEqual([]);
    expect(report.unchecked).toEqual([
      { check: 'ns', code: 'timeout' },
      { check: 'mx', code: 'servfail' },
      { check: 'spf', code: 'busy' },
      { check: 'dmarc', code: 'unreachable' },
    ]);
  });

  it('still reports problems from the lookups that worked', () => {
    const report = checkMailDns(
      healthy({ ns: { status: 'error', code: 'timeout' }, mx: { status: 'nodata' } }),
    );
    expect(report.unchecked).toEqual([{ check: 'ns', code: 'timeout' }]);
    expect(report.problems.map((problem) => problem.kind)).toEqual(['no_mx']);
  });
});

describe('providerExpectations', () => {
  it('Google: smtp.google.com and _spf.google.com', () => {
    expect(providerExpectations('acme-mail.com', 'google')).toMatchObject({
      mx: [{ exchange: 'smtp.google.com', priority: 1 }],
      spfInclude: '_spf.google.com',
    });
  });

  it('Microsoft: the domain key host and spf.protection.outlook.com', () => {
    expect(providerExpectations('Team.Acme.co.uk.', 'microsoft')).toMatchObject({
      mx: [{ exchange: 'team-acme-co-uk.mail.protection.outlook.com', priority: 0 }],
      spfInclude: 'spf.protection.outlook.com',
    });
  });
});

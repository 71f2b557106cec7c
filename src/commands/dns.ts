import { checkDomainDns } from '../dns/check-domain.js';
import type { MailProvider } from '../dns/mail-providers.js';
import type { DnsLookup } from '../dns/resolver.js';
import { normalizeDomain, validateRootDomain } from '../parsing/domains.js';
import { assignedNameserversOf } from '../services/import-dns.js';
import type { DnsRepo } from '../store/dns-repo.js';
import { renderDnsChecking, renderDnsReport, renderDnsUsage } from '../views/dns-report.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/** What `/peeker dns` needs beyond the common command deps. */
export interface DnsCommandDeps {
  lookup: DnsLookup;
  repo: DnsRepo;
}

/**
 * `/peeker dns <domain>`: the domain's NS (against the nameservers Peeker assigned, when it was
 * imported here), MX, SPF and DMARC, each problem with its fix and, for a domain connected on an
 * order, what its mail provider expects. Acknowledged at once; the lookups (bounded: each gives up
 * on its own deadline) answer through `respond`.
 */
export async function handleDns(
  { ack, respond }: CommandArgs,
  text: string,
  deps: CommandDeps,
): Promise<void> {
  const count = (outcome: string) => countCommand(deps, 'dns', outcome);
  const domain = normalizeDomain(text);
  const invalid =
    domain === ''
      ? { message: `I can’t read \`${text.slice(0, 80)}\` as a domain.`, suggestion: undefined }
      : validateRootDomain(domain, text);
  if (invalid) {
    const hint = invalid.suggestion ? ` Did you mean \`${invalid.suggestion}\`?` : '';
    await ack({ response_type: 'ephemeral', ...renderDnsUsage(`${invalid.message}${hint}`) });
    return count('invalid_input');
  }
  const dns = deps.dns;
  if (!dns) {
    await ack({ response_type: 'ephemeral', text: '`/peeker dns` is not available in this app.' });
    return count('not_available');
  }
  await ack({ response_type: 'ephemeral', ...renderDnsChecking(domain) });

  const assigned = assignedNameserversOf(deps.imports, domain);
  const connected = dns.repo.connectedDomain(domain);
  const provider: MailProvider | undefined =
    connected?.provider === 'google' || connected?.provider === 'microsoft' ? connected.provider : undefined;
  const report = await checkDomainDns(dns.lookup, domain, {
    ...(assigned ? { assignedNameservers: assigned } : {}),
    ...(provider ? { provider } : {}),
  });
  try {
    await respond({
      response_type: 'ephemeral',
      ...renderDnsReport(report, {
        assignedKnown: assigned !== undefined,
        connected: connected !== undefined,
      }),
    });
    count(report.problems.some((problem) => problem.severity === 'error') ? 'problems' : 'ok');
  } catch (error) {
    deps.logger.warn({ err: error, domain }, 'could not send the /peeker dns report');
    count('respond_failed');
  }
}

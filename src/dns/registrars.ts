/**
 * Who runs a domain's DNS, guessed from its current nameservers, and where that company explains
 * how to change them. A guess, not a WHOIS lookup: nameservers name the DNS host, which is usually
 * but not always the registrar (`dnsHostOnly` marks hosts where the domain is often registered
 * elsewhere, so the change may have to be made at the registrar instead).
 */
export interface RegistrarEntry {
  /** Stable identifier, e.g. for analytics or tests. */
  id: string;
  /** Name to show customers. */
  name: string;
  /**
   * Nameserver hostname suffixes, matched on label boundaries. A `*` in a label stands for one or
   * more letters, digits or hyphens (`awsdns-*.com`, `ui-dns.*`).
   */
  suffixes: readonly string[];
  /** The company's own public page on changing a domain's nameservers (https). */
  helpUrl: string;
  /** The nameservers belong to a DNS host that many customers use with a registrar elsewhere. */
  dnsHostOnly?: boolean;
}

/**
 * The table, as data. Order matters only for ties in {@link guessRegistrar}. Help URLs are the
 * companies' own pages; several were cross-checked against the provider list in Cloudflare's DNS
 * FAQ (https://developers.cloudflare.com/dns/faq/#where-do-i-change-my-nameservers-to-point-to-cloudflare).
 */
export const REGISTRARS: readonly RegistrarEntry[] = [
  {
    id: 'godaddy',
    name: 'GoDaddy',
    // domaincontrol.com for domains; secureserver.net for GoDaddy hosting accounts.
    suffixes: ['domaincontrol.com', 'secureserver.net'],
    helpUrl: 'https://www.godaddy.com/help/change-nameservers-for-my-domains-664',
  },
  {
    id: 'namecheap',
    name: 'Namecheap',
    suffixes: ['registrar-servers.com', 'namecheaphosting.com'],
    helpUrl:
      'https://www.namecheap.com/support/knowledgebase/article.aspx/767/10/how-to-change-dns-for-a-domain/',
  },
  {
    id: 'cloudflare',
    name: 'Cloudflare',
    // Foundation DNS is Cloudflare's enterprise nameserver offering.
    suffixes: ['ns.cloudflare.com', 'foundationdns.com', 'foundationdns.net', 'foundationdns.org'],
    helpUrl: 'https://developers.cloudflare.com/dns/nameservers/update-nameservers/',
    dnsHostOnly: true,
  },
  {
    id: 'squarespace',
    name: 'Squarespace (formerly Google Domains)',
    // Google Domains (now Squarespace) served zones from Google Cloud DNS's ns-cloud-*.googledomains.com.
    suffixes: ['googledomains.com', 'squarespacedns.com'],
    helpUrl:
      'https://support.squarespace.com/hc/en-us/articles/4404183898125-Nameservers-and-DNSSEC-for-Squarespace-managed-domains',
  },
  {
    id: 'porkbun',
    name: 'Porkbun',
    suffixes: ['porkbun.com'],
    helpUrl: 'https://kb.porkbun.com/article/22-how-to-change-your-nameservers',
  },
  {
    id: 'ionos',
    name: 'IONOS (1&1)',
    // nsNNNN.ui-dns.com / .de / .org / .biz
    suffixes: ['ui-dns.*'],
    helpUrl:
      'https://www.ionos.com/help/domains/using-your-own-name-servers/using-your-own-name-servers-for-a-domain/',
  },
  {
    id: 'hover',
    name: 'Hover',
    suffixes: ['hover.com'],
    helpUrl:
      'https://support.hover.com/support/solutions/articles/201000064742-changing-your-domain-nameservers',
  },
  {
    id: 'namecom',
    name: 'Name.com',
    suffixes: ['name.com'],
    helpUrl: 'https://www.name.com/support/articles/205934547-changing-nameservers-for-dns-management',
  },
  {
    id: 'gandi',
    name: 'Gandi',
    suffixes: ['gandi.net'],
    helpUrl: 'https://docs.gandi.net/en/domain_names/common_operations/changing_nameservers.html',
  },
  {
    id: 'ovh',
    name: 'OVHcloud',
    suffixes: ['ovh.net', 'ovh.ca', 'anycast.me'],
    helpUrl: 'https://docs.ovh.com/gb/en/domains/web_hosting_general_information_about_dns_servers/',
  },
  {
    id: 'network-solutions',
    name: 'Network Solutions',
    suffixes: ['worldnic.com'],
    helpUrl: 'https://www.networksolutions.com/manage-it/edit-nameservers.jsp',
  },
  {
    id: 'dynadot',
    name: 'Dynadot',
    suffixes: ['dynadot.com', 'dyna-ns.net'],
    helpUrl: 'https://www.dynadot.com/help/question/set-name-servers',
  },
  {
    id: 'namesilo',
    name: 'NameSilo',
    suffixes: ['dnsowl.com'],
    helpUrl: 'https://www.namesilo.com/support/v2/articles/domain-manager/nameserver-manager',
  },
  {
    id: 'hostinger',
    name: 'Hostinger',
    suffixes: ['dns-parking.com'],
    helpUrl: 'https://www.hostinger.com/tutorials/dns/how-to-change-domain-nameservers',
  },
  {
    id: 'route53',
    name: 'Amazon Route 53',
    // ns-NNN.awsdns-NN.com / .net / .org / .co.uk
    suffixes: ['awsdns-*.com', 'awsdns-*.net', 'awsdns-*.org', 'awsdns-*.co.uk'],
    helpUrl:
      'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/domain-name-servers-glue-records.html#domain-name-servers-glue-records-adding-changing',
    dnsHostOnly: true,
  },
  {
    id: 'wix',
    name: 'Wix',
    suffixes: ['wixdns.net'],
    helpUrl: 'https://support.wix.com/en/article/changing-your-name-servers',
  },
  {
    id: 'bluehost',
    name: 'Bluehost',
    suffixes: ['bluehost.com'],
    helpUrl: 'https://www.bluehost.com/help/article/use-custom-name-servers',
  },
  {
    id: 'hostgator',
    name: 'HostGator',
    // Shared HostGator servers answer as nsNNNN.websitewelcome.com.
    suffixes: ['hostgator.com', 'websitewelcome.com'],
    helpUrl: 'https://www.hostgator.com/help/article/changing-name-servers',
  },
  {
    id: 'domain-com',
    name: 'Domain.com',
    suffixes: ['domain.com'],
    helpUrl: 'https://www.domain.com/help/article/domain-management-how-to-update-nameservers',
  },
  {
    id: 'dreamhost',
    name: 'DreamHost',
    suffixes: ['dreamhost.com'],
    helpUrl: 'https://help.dreamhost.com/hc/en-us/articles/360038897151',
  },
  {
    id: 'enom',
    name: 'Enom',
    suffixes: ['name-services.com'],
    helpUrl: 'https://help.enom.com/hc/en-us/articles/115000486451-Nameservers-NS',
  },
  {
    id: 'digitalocean',
    name: 'DigitalOcean',
    suffixes: ['digitalocean.com'],
    helpUrl: 'https://docs.digitalocean.com/products/networking/dns/getting-started/dns-registrars/',
    dnsHostOnly: true,
  },
  {
    id: 'azure',
    name: 'Azure DNS',
    suffixes: ['azure-dns.com', 'azure-dns.net', 'azure-dns.org', 'azure-dns.info'],
    helpUrl: 'https://learn.microsoft.com/en-us/azure/dns/dns-delegate-domain-azure-dns',
    dnsHostOnly: true,
  },
];

/** Lowercase, no trailing dot: how DNS compares names (RFC 4343). */
const normalise = (host: string) => host.trim().toLowerCase().replace(/\.$/, '');

/** A suffix label with `*` becomes a whole-label pattern; plain labels compare as strings. */
type LabelMatcher = string | RegExp;

const compile = (suffix: string): LabelMatcher[] =>
  normalise(suffix)
    .split('.')
    .map((label) =>
      label.includes('*') ? new RegExp(`^${label.split('*').map(escapeRegExp).join('[a-z0-9-]+')}$`) : label,
    );

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const COMPILED = REGISTRARS.map((entry) => ({ entry, suffixes: entry.suffixes.map(compile) }));

/** True when `host`'s last labels match `suffix` label for label (so `evilname.com` never matches `name.com`). */
function matches(hostLabels: string[], suffix: LabelMatcher[]): boolean {
  if (hostLabels.length < suffix.length) return false;
  const offset = hostLabels.length - suffix.length;
  return suffix.every((matcher, index) => {
    const label = hostLabels[offset + index] ?? '';
    return typeof matcher === 'string' ? matcher === label : matcher.test(label);
  });
}

/** The table entry whose suffixes match `nameserver`, if any. */
export function registrarOfNameserver(nameserver: string): RegistrarEntry | undefined {
  const labels = normalise(nameserver).split('.');
  return COMPILED.find(({ suffixes }) => suffixes.some((suffix) => matches(labels, suffix)))?.entry;
}

/**
 * Guesses the DNS host from a domain's current nameservers: the entry matching the most of them
 * (a domain mid-move can list two companies'), the earlier in the table on a tie; undefined when
 * none match. Case and a trailing dot are ignored.
 */
export function guessRegistrar(nameservers: readonly string[]): RegistrarEntry | undefined {
  const votes = new Map<RegistrarEntry, number>();
  for (const nameserver of new Set(nameservers.map(normalise))) {
    const entry = registrarOfNameserver(nameserver);
    if (entry) votes.set(entry, (votes.get(entry) ?? 0) + 1);
  }
  let best: RegistrarEntry | undefined;
  let bestVotes = 0;
  for (const entry of REGISTRARS) {
    const count = votes.get(entry) ?? 0;
    if (count > bestVotes) {
      best = entry;
      bestVotes = count;
    }
  }
  return best;
}

/** True for Cloudflare's nameservers (the trap: Cloudflare, but maybe another account's pair). */
export function isCloudflareNameserver(nameserver: string): boolean {
  return registrarOfNameserver(nameserver)?.id === 'cloudflare';
}

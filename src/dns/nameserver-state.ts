import { guessRegistrar, isCloudflareNameserver, type RegistrarEntry } from './registrars.js';
import { type DnsAnswer, type DnsErrorCode, normalizeHostname } from './resolver.js';

/**
 * Where a domain waiting on the registrar stands, from its NS records:
 * - `pointing`: the current nameservers are exactly the assigned ones (✅);
 * - `elsewhere`: anything else that resolves (⏳), with the DNS host guessed from the current set;
 * - `other_cloudflare`: every current nameserver is Cloudflare's but the set is not the assigned
 *   pair, i.e. another Cloudflare account's (the common trap: "it's already on Cloudflare");
 * - `not_found`: NXDOMAIN, or the name exists without NS records (❓ expired or misspelt);
 * - `unknown`: the lookup failed, so nothing can be said just now.
 *
 * `missing` lists assigned nameservers not yet set; `extra` lists current ones that must go.
 */
export type NameserverState =
  | { state: 'pointing' }
  | {
      state: 'elsewhere';
      current: string[];
      registrar?: RegistrarEntry;
      missing: string[];
      extra: string[];
    }
  | { state: 'other_cloudflare'; current: string[]; missing: string[]; extra: string[] }
  | { state: 'not_found' }
  | { state: 'unknown'; code: DnsErrorCode };

/** True when both lists name the same nameservers, ignoring case, a trailing dot, order and repeats. */
export function sameNameservers(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map(normalizeHostname));
  const right = new Set(b.map(normalizeHostname));
  return left.size === right.size && [...left].every((host) => right.has(host));
}

/**
 * Classifies a domain's NS answer against the nameservers Peeker assigned.
 *
 * Only an exact match counts as pointing. A partial overlap (one assigned + one old, or the
 * assigned pair plus an old one) is still `elsewhere`: resolvers pick any listed nameserver
 * (RFC 1034 §5.3.3), so an old one left in keeps answering with the old zone, and registrars
 * ask for the whole list to be replaced. Likewise a single assigned nameserver alone is not
 * pointing: it is `elsewhere` with nothing `extra`, `missing` naming the other one, and no
 * registrar (there is no old host). With no assigned nameservers (unknown to the app),
 * nothing can match, and a resolving domain is `elsewhere`.
 */
export function classifyNameservers(assigned: readonly string[], answer: DnsAnswer<string>): NameserverState {
  switch (answer.status) {
    case 'nxdomain':
    case 'nodata':
      return { state: 'not_found' };
    case 'error':
      return { state: 'unknown', code: answer.code };
    case 'ok':
      break;
  }
  const current = [...new Set(answer.records.map(normalizeHostname))].sort();
  const wanted = [...new Set(assigned.map(normalizeHostname))];
  if (wanted.length > 0 && sameNameservers(current, wanted)) return { state: 'pointing' };
  const missing = wanted.filter((host) => !current.includes(host));
  const extra = current.filter((host) => !wanted.includes(host));
  // Another account's pair: Cloudflare nameservers that are not the assigned ones, and nothing else.
  const cloudflareTrap =
    wanted.length > 0 &&
    wanted.every(isCloudflareNameserver) &&
    extra.length > 0 &&
    current.every(isCloudflareNameserver);
  if (cloudflareTrap) return { state: 'other_cloudflare', current, missing, extra };
  // Guess from the nameservers that must go, so a half-done move still names the old host; with
  // nothing to remove (only some of the assigned set), there is no old host to name.
  const registrar = extra.length > 0 ? guessRegistrar(extra) : undefined;
  return registrar
    ? { state: 'elsewhere', current, registrar, missing, extra }
    : { state: 'elsewhere', current, missing, extra };
}

/** Counts of an import's per-domain states, and what they add up to. */
export interface ImportDnsSummary {
  total: number;
  pointing: number;
  elsewhere: number;
  otherCloudflare: number;
  notFound: number;
  unknown: number;
  /** Every domain points at the assigned nameservers ("nameservers set — waiting for Peeker to confirm"). */
  allPointing: boolean;
  /** At least one domain could not be checked just now. */
  anyUnknown: boolean;
  /** Domains whose nameservers still need changing (elsewhere, other Cloudflare account, or not found). */
  needsAction: number;
}

/** Summarises an import's per-domain states; an empty import is never `allPointing`. */
export function summarizeImport(states: readonly NameserverState[]): ImportDnsSummary {
  const count = (name: NameserverState['state']) => states.filter((each) => each.state === name).length;
  const pointing = count('pointing');
  const elsewhere = count('elsewhere');
  const otherCloudflare = count('other_cloudflare');
  const notFound = count('not_found');
  const unknown = count('unknown');
  return {
    total: states.length,
    pointing,
    elsewhere,
    otherCloudflare,
    notFound,
    unknown,
    allPointing: states.length > 0 && pointing === states.length,
    anyUnknown: unknown > 0,
    needsAction: elsewhere + otherCloudflare + notFound,
  };
}

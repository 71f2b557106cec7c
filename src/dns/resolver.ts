import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { domainToASCII } from 'node:url';
import pLimit from 'p-limit';

/** The record types the app looks up. */
export type DnsRecordType = 'NS' | 'MX' | 'TXT';

/**
 * Why a lookup could not be answered. A fixed vocabulary, so it can be a metrics label:
 * - `timeout`: no answer within `timeoutMs × tries`;
 * - `servfail`, `refused`: the resolver answered SERVFAIL / REFUSED;
 * - `unreachable`: the resolver's port refused the datagram (ICMP port unreachable);
 * - `bad_response`: a malformed or unexpected answer;
 * - `bad_name`: not a valid domain name, so nothing was sent;
 * - `busy`: too many lookups already queued, so nothing was sent;
 * - `closed`: the lookup service was closed;
 * - `other`: anything else the resolver library reports.
 */
export type DnsErrorCode =
  | 'timeout'
  | 'servfail'
  | 'refused'
  | 'unreachable'
  | 'bad_response'
  | 'bad_name'
  | 'busy'
  | 'closed'
  | 'other';

/**
 * The outcome of one lookup. Never a rejection: a DNS problem is data for the caller to show
 * ("couldn't check just now"), not an exception to handle.
 */
export type DnsAnswer<T> =
  | { status: 'ok'; records: T[] }
  /** The name does not exist (RCODE 3, RFC 1035 §4.1.1). */
  | { status: 'nxdomain' }
  /** The name exists but has no records of the type asked for (RFC 2308 §2.2). */
  | { status: 'nodata' }
  | { status: 'error'; code: DnsErrorCode };

/** An MX record; `exchange` is lowercase without the trailing dot, `''` for a null MX (RFC 7505). */
export interface MxRecord {
  exchange: string;
  priority: number;
}

/** Outcome label of `peeker_dns_lookups_total`. */
export type DnsOutcome = 'ok' | 'nxdomain' | 'nodata' | DnsErrorCode;

/** Where the lookup service reports each lookup it sends (and each it turns away as `busy`). */
export interface DnsMetrics {
  /** `seconds` is the time on the wire; absent for `busy`, which sent nothing. */
  observe(type: DnsRecordType, outcome: DnsOutcome, seconds?: number): void;
}

export interface DnsLookupOptions {
  /** `host` or `host:port` (IPv4, IPv6, `[v6]:port`); default: the system's resolvers. */
  servers?: string[];
  /** Time each try waits for an answer, in milliseconds (default 1500). */
  timeoutMs?: number;
  /** Tries per lookup (default 2), each starting at the next server. A lookup gives up after `timeoutMs × tries`. */
  tries?: number;
  /** Lookups on the wire at once (default 16). */
  maxInFlight?: number;
  /** Lookups waiting for a slot; beyond this the answer is `busy` at once (default 512). */
  maxQueued?: number;
  /** How long ok/nxdomain/nodata answers are reused, in ms (default 60 000, the poll interval); 0 = never. */
  cacheTtlMs?: number;
  /** How long error answers are reused (default a tenth of `cacheTtlMs`), so a dead resolver is not hammered. */
  errorCacheTtlMs?: number;
  /** Cached answers kept at most per record type (default 50 000); the oldest go first. */
  maxCacheEntries?: number;
  /** Clock for the cache, in ms (tests). */
  now?: () => number;
  metrics?: DnsMetrics;
}

export interface DnsLookup {
  /** Nameserver hostnames, lowercase without the trailing dot, sorted and de-duplicated. */
  ns(name: string): Promise<DnsAnswer<string>>;
  /** Mail exchangers, sorted by priority then name. */
  mx(name: string): Promise<DnsAnswer<MxRecord>>;
  /** One string per TXT record, its character-strings joined without separators (RFC 7208 §3.3). */
  txt(name: string): Promise<DnsAnswer<string>>;
  /** Lookups on the wire, lookups waiting for a slot, and cached answers. */
  stats(): { inFlight: number; queued: number; cached: number };
  /** Cancels lookups on the wire and answers every other one `closed`; later calls answer `closed` too. */
  close(): void;
}

const DEFAULTS = {
  timeoutMs: 1500,
  tries: 2,
  maxInFlight: 16,
  maxQueued: 512,
  cacheTtlMs: 60_000,
  maxCacheEntries: 50_000,
} as const;

/** Node's error codes for c-ares statuses (https://nodejs.org/docs/latest-v20.x/api/dns.html#error-codes). */
function classify(code: unknown): DnsAnswer<never> {
  switch (code) {
    case 'ENOTFOUND':
      return { status: 'nxdomain' };
    case 'ENODATA':
      return { status: 'nodata' };
    case 'ETIMEOUT':
      return { status: 'error', code: 'timeout' };
    case 'ESERVFAIL':
      return { status: 'error', code: 'servfail' };
    case 'EREFUSED':
      return { status: 'error', code: 'refused' };
    case 'ECONNREFUSED':
      return { status: 'error', code: 'unreachable' };
    case 'EBADRESP':
    case 'EFORMERR':
    case 'EBADFAMILY':
      return { status: 'error', code: 'bad_response' };
    case 'EBADNAME':
    case 'EBADQUERY':
      return { status: 'error', code: 'bad_name' };
    default:
      return { status: 'error', code: 'other' };
  }
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Lowercase, without the root's trailing dot, internationalised names in their ASCII (punycode)
 * form; undefined when the result is not a valid DNS name (RFC 1035 §2.3.4 lengths; underscores
 * allowed for names such as `_dmarc`).
 */
export function normalizeDnsName(name: string): string | undefined {
  const trimmed = name.trim().replace(/\.$/, '');
  if (trimmed === '') return undefined;
  // domainToASCII lowercases and applies IDNA; it returns '' for names it cannot convert.
  const ascii = /^[\x21-\x7e]*$/.test(trimmed) ? trimmed.toLowerCase() : domainToASCII(trimmed);
  if (ascii === '' || ascii.length > 253) return undefined;
  return ascii.split('.').every((label) => LABEL.test(label)) ? ascii : undefined;
}

/** A hostname as DNS answers spell it, normalised for comparison: lowercase, no trailing dot. */
export const normalizeHostname = (host: string): string => host.trim().toLowerCase().replace(/\.$/, '');

/** Result of {@link parseResolverList}. */
export type ResolverListResult = { ok: true; servers: string[] } | { ok: false; problem: string };

/**
 * Parses `DNS_RESOLVERS`: comma-separated `host[:port]` where host is an IPv4 or IPv6 address
 * (`[v6]:port` when a port is given), since `Resolver#setServers` takes addresses, not names
 * (https://nodejs.org/docs/latest-v20.x/api/dns.html#dnssetserversservers). Empty text means
 * "the system's resolvers" and gives an empty list. The problem text reads after the variable's
 * name, like the other configuration messages.
 */
export function parseResolverList(text: string | undefined): ResolverListResult {
  const items = (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  const servers: string[] = [];
  for (const item of items) {
    const server = parseServer(item);
    if (server === undefined) {
      return {
        ok: false,
        problem: `must be comma-separated IP addresses with an optional port (1.1.1.1, 1.1.1.1:53, 2606:4700::1111, [2606:4700::1111]:53); "${item}" is not one`,
      };
    }
    servers.push(server);
  }
  return { ok: true, servers };
}

function parseServer(item: string): string | undefined {
  const validPort = (port: string) => /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
  if (bracketed) {
    const [, host = '', port] = bracketed;
    if (isIP(host) !== 6 || (port !== undefined && !validPort(port))) return undefined;
    return port === undefined ? host : `[${host}]:${port}`;
  }
  if (isIP(item) === 6) return item;
  const [host = '', port, ...rest] = item.split(':');
  if (rest.length > 0 || isIP(host) !== 4) return undefined;
  if (port === undefined) return host;
  return validPort(port) ? `${host}:${port}` : undefined;
}

interface CacheEntry<T> {
  answer: DnsAnswer<T>;
  expiresAt: number;
}

/** One record type's cache, shared lookups and query function. */
interface Channel<T> {
  lookup(name: string): Promise<DnsAnswer<T>>;
  readonly cached: number;
  clear(): void;
}

/**
 * DNS lookups for the app's own checks, built so that a slow, failing or dead resolver can never
 * hold anything up: every answer arrives within `timeoutMs × tries` (or at once, from the cache or
 * as `busy`), at most `maxInFlight` queries are on the wire, at most `maxQueued` wait, identical
 * concurrent lookups share one query, and answers are reused for `cacheTtlMs`.
 *
 * The tries are ours, not c-ares's: each try gets a fresh `Resolver`
 * (https://nodejs.org/docs/latest-v20.x/api/dns.html#class-dnspromisesresolver) that we cancel
 * after `timeoutMs`. c-ares's own timing overshoots: Node checks its timeouts on a timer of the same
 * period, so a try can last up to twice `timeout`, and further tries back off exponentially; and
 * `Resolver#cancel()` cancels every query on a resolver, so a shared one cannot time out one query.
 * A resolver costs a fraction of a millisecond, which the cache and the bound make negligible.
 */
export function createDnsLookup(options: DnsLookupOptions = {}): DnsLookup {
  const timeoutMs = Math.max(1, Math.round(options.timeoutMs ?? DEFAULTS.timeoutMs));
  const tries = Math.max(1, Math.round(options.tries ?? DEFAULTS.tries));
  const maxQueued = Math.max(0, options.maxQueued ?? DEFAULTS.maxQueued);
  const cacheTtlMs = Math.max(0, options.cacheTtlMs ?? DEFAULTS.cacheTtlMs);
  const errorCacheTtlMs = Math.max(0, options.errorCacheTtlMs ?? cacheTtlMs / 10);
  const maxCacheEntries = Math.max(1, options.maxCacheEntries ?? DEFAULTS.maxCacheEntries);
  const now = options.now ?? Date.now;
  const metrics = options.metrics;
  // One limit for every record type: the bound is on queries on the wire, whatever they ask.
  const limit = pLimit(Math.max(1, options.maxInFlight ?? DEFAULTS.maxInFlight));

  let servers: string[] | undefined;
  if (options.servers?.length) {
    // Fail fast on a bad list (a programming error: config validation uses parseResolverList).
    const parsed = parseResolverList(options.servers.join(','));
    if (!parsed.ok) throw new Error(`Invalid DNS servers: ${parsed.problem}`);
    servers = parsed.servers;
  } else {
    // The system's resolvers (read once, from resolv.conf on Unix), so tries can rotate among them.
    const system = new Resolver().getServers();
    servers = system.length > 1 ? system : undefined;
  }

  const active = new Set<Resolver>();
  let closed = false;

  /** One try: a fresh resolver on `order`, cancelled by us after `timeoutMs`. */
  async function attempt<T>(
    order: string[] | undefined,
    name: string,
    call: (resolver: Resolver, name: string) => Promise<T[]>,
  ): Promise<DnsAnswer<T>> {
    // tries: 1 because we retry ourselves; c-ares still moves to the next server at once on a
    // refusal or SERVFAIL within this try.
    const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    if (order) resolver.setServers(order);
    active.add(resolver);
    let gaveUp = false;
    const timer = setTimeout(() => {
      gaveUp = true;
      resolver.cancel();
    }, timeoutMs);
    try {
      const records = await call(resolver, name);
      return records.length > 0 ? { status: 'ok', records } : { status: 'nodata' };
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? error.code : undefined;
      if (code === 'ECANCELLED') return { status: 'error', code: gaveUp ? 'timeout' : 'closed' };
      return classify(code);
    } finally {
      clearTimeout(timer);
      active.delete(resolver);
    }
  }

  async function query<T>(
    type: DnsRecordType,
    name: string,
    call: (resolver: Resolver, name: string) => Promise<T[]>,
  ): Promise<DnsAnswer<T>> {
    if (closed) return { status: 'error', code: 'closed' };
    const started = performance.now();
    let answer: DnsAnswer<T> = { status: 'error', code: 'other' };
    for (let round = 0; round < tries && !closed; round += 1) {
      // Each try starts at the next server, so a silent first server cannot use up every try.
      const order = servers && rotate(servers, round);
      answer = await attempt(order, name, call);
      if (answer.status !== 'error' || answer.code === 'closed' || answer.code === 'bad_name') break;
    }
    if (closed) answer = { status: 'error', code: 'closed' };
    metrics?.observe(type, outcomeOf(answer), (performance.now() - started) / 1000);
    return answer;
  }

  function channel<T>(
    type: DnsRecordType,
    call: (resolver: Resolver, name: string) => Promise<T[]>,
  ): Channel<T> {
    const cache = new Map<string, CacheEntry<T>>();
    const pending = new Map<string, Promise<DnsAnswer<T>>>();

    const remember = (name: string, answer: DnsAnswer<T>) => {
      if (answer.status === 'error' && (answer.code === 'busy' || answer.code === 'closed')) return;
      const ttl = answer.status === 'error' ? errorCacheTtlMs : cacheTtlMs;
      if (ttl <= 0) return;
      cache.delete(name);
      if (cache.size >= maxCacheEntries) {
        const at = now();
        for (const [oldName, entry] of cache) if (entry.expiresAt <= at) cache.delete(oldName);
        // Still full of live answers: drop the oldest (a Map iterates in insertion order).
        for (const oldName of cache.keys()) {
          if (cache.size < maxCacheEntries) break;
          cache.delete(oldName);
        }
      }
      cache.set(name, { answer, expiresAt: now() + ttl });
    };

    return {
      lookup(rawName) {
        if (closed) return Promise.resolve({ status: 'error', code: 'closed' });
        const name = normalizeDnsName(rawName);
        if (name === undefined) return Promise.resolve({ status: 'error', code: 'bad_name' });
        const cached = cache.get(name);
        if (cached && cached.expiresAt > now()) return Promise.resolve(cached.answer);
        if (cached) cache.delete(name);
        const shared = pending.get(name);
        if (shared) return shared;
        if (limit.pendingCount >= maxQueued) {
          metrics?.observe(type, 'busy');
          return Promise.resolve({ status: 'error', code: 'busy' });
        }
        const promise = limit(() => query(type, name, call)).then(
          (answer) => {
            pending.delete(name);
            if (!closed) remember(name, answer);
            return answer;
          },
          // query() never throws; this backstop only guarantees the promise never rejects.
          (): DnsAnswer<T> => {
            pending.delete(name);
            return { status: 'error', code: 'other' };
          },
        );
        pending.set(name, promise);
        return promise;
      },
      get cached() {
        return cache.size;
      },
      clear: () => cache.clear(),
    };
  }

  const channels = {
    ns: channel('NS', async (resolver, name) =>
      [...new Set((await resolver.resolveNs(name)).map(normalizeHostname))].sort(),
    ),
    mx: channel('MX', async (resolver, name) =>
      (await resolver.resolveMx(name))
        .map((mx): MxRecord => ({ exchange: normalizeHostname(mx.exchange), priority: mx.priority }))
        .sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange)),
    ),
    txt: channel('TXT', async (resolver, name) =>
      (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')),
    ),
  };
  const all = [channels.ns, channels.mx, channels.txt];

  return {
    ns: (name) => channels.ns.lookup(name),
    mx: (name) => channels.mx.lookup(name),
    txt: (name) => channels.txt.lookup(name),
    stats: () => ({
      inFlight: limit.activeCount,
      queued: limit.pendingCount,
      cached: all.reduce((sum, each) => sum + each.cached, 0),
    }),
    close: () => {
      if (closed) return;
      closed = true;
      for (const resolver of active) resolver.cancel();
      active.clear();
      for (const each of all) each.clear();
    },
  };
}

/** `list` starting at its `round`-th item, wrapping around. */
function rotate(list: string[], round: number): string[] {
  const start = round % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
}

function outcomeOf(answer: DnsAnswer<unknown>): DnsOutcome {
  return answer.status === 'error' ? answer.code : answer.status;
}

import { createSocket, type RemoteInfo } from 'node:dgram';
import dnsPacket, { type Answer, type Question } from 'dns-packet';

/** What the fake serves for one name. Absent types answer NOERROR with no records ("nodata"). */
export interface FakeDnsRecords {
  ns?: string[];
  mx?: Array<{ exchange: string; priority?: number }>;
  /** One entry per TXT record; an array is one record split into several character-strings. */
  txt?: Array<string | string[]>;
}

/** How the fake treats a name: answer from its records, or misbehave on purpose. */
type Behaviour =
  | { kind: 'records'; records: FakeDnsRecords }
  | { kind: 'nxdomain' }
  | { kind: 'servfail' }
  | { kind: 'refused' }
  | { kind: 'blackhole' };

/** What names with no records set get. */
export type UnknownNameBehaviour = 'nxdomain' | 'servfail' | 'refused' | 'blackhole';

export interface FakeDns {
  /** `127.0.0.1:PORT`, ready for `DNS_RESOLVERS` or `createDnsLookup({ servers: [address] })`. */
  readonly address: string;
  readonly port: number;
  /** Serves these records for `name` (replacing earlier ones). */
  setRecords(name: string, records: FakeDnsRecords): void;
  /** Answers NXDOMAIN for `name` (the default for names never set). */
  nxdomain(name: string): void;
  /** Answers SERVFAIL for `name`. */
  servfail(name: string): void;
  /** Answers REFUSED for `name`. */
  refuse(name: string): void;
  /** Never answers queries for `name`. */
  blackhole(name: string): void;
  /** Forgets what was set for `name`, so it gets the unknown-name behaviour again. */
  forget(name: string): void;
  /** What names with nothing set get (default NXDOMAIN). */
  setUnknown(behaviour: UnknownNameBehaviour): void;
  /** Delay before every answer, in milliseconds. */
  setLatency(ms: number): void;
  /** Queries received for (type, name), e.g. `queryCount('NS', 'acme-mail.com')`; retries count too. */
  queryCount(type: string, name: string): number;
  /** Every query received, in order. */
  readonly queries: ReadonlyArray<{ type: string; name: string }>;
  /** Queries received and not yet answered (blackholed ones excluded: they are never answered). */
  readonly inFlight: number;
  /** The highest `inFlight` seen since start or the last `resetCounters()`. */
  readonly maxInFlight: number;
  /** Clears the query log, the counts and `maxInFlight`. */
  resetCounters(): void;
  stop(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** Names compare the way DNS does: case-insensitively, with or without the root's trailing dot. */
const normalise = (name: string) => name.toLowerCase().replace(/\.$/, '');

/**
 * A small authoritative-style DNS server over UDP on 127.0.0.1 and an ephemeral port, for tests.
 * Packets are encoded and decoded with `dns-packet` (https://github.com/mafintosh/dns-packet);
 * the per-name behaviour is set at run time. Only NS, MX and TXT carry data; other types answer
 * NOERROR with no records for known names.
 */
export async function startFakeDns(): Promise<FakeDns> {
  const socket = createSocket('udp4');
  const behaviours = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  const queries: Array<{ type: string; name: string }> = [];
  const timers = new Set<NodeJS.Timeout>();
  let unknown: UnknownNameBehaviour = 'nxdomain';
  let latencyMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let stopped = false;

  const behaviourOf = (name: string): Behaviour => behaviours.get(normalise(name)) ?? { kind: unknown };

  const answersFor = (question: Question, records: FakeDnsRecords): Answer[] => {
    // Answers carry the question's own spelling of the name, as a real server's would.
    const name = question.name;
    switch (question.type) {
      case 'NS':
        return (records.ns ?? []).map((data) => ({ type: 'NS', name, ttl: 300, data }));
      case 'MX':
        return (records.mx ?? []).map((mx) => ({
          type: 'MX',
          name,
          ttl: 300,
          data: { exchange: mx.exchange, preference: mx.priority ?? 10 },
        }));
      case 'TXT':
        return (records.txt ?? []).map((data) => ({ type: 'TXT', name, ttl: 300, data }));
      default:
        return [];
    }
  };

  const reply = (query: dnsPacket.DecodedPacket, rinfo: RemoteInfo) => {
    const question = query.questions?.[0];
    const behaviour = question ? behaviourOf(question.name) : { kind: 'servfail' as const };
    if (behaviour.kind === 'blackhole') return;
    const rcode =
      behaviour.kind === 'nxdomain'
        ? RCODE.NXDOMAIN
        : behaviour.kind === 'servfail'
          ? RCODE.SERVFAIL
          : behaviour.kind === 'refused'
            ? RCODE.REFUSED
            : RCODE.NOERROR;
    const answers = behaviour.kind === 'records' && question ? answersFor(question, behaviour.records) : [];
    // RD is echoed from the query (RFC 1035 §4.1.1); the low four bits of the flags are the RCODE.
    const flags =
      dnsPacket.AUTHORITATIVE_ANSWER | (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) | (rcode & 0xf);
    const send = () => {
      inFlight -= 1;
      if (stopped) return;
      const response = dnsPacket.encode({
        type: 'response',
        id: query.id ?? 0,
        flags,
        questions: question ? [question] : [],
        answers,
      });
      socket.send(response, rinfo.port, rinfo.address);
    };
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (latencyMs <= 0) {
      // Still asynchronous, so a burst of queries is measured as concurrent rather than serialised.
      setImmediate(send);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, latencyMs);
    timers.add(timer);
  };

  socket.on('message', (message, rinfo) => {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // Not DNS: a real server would drop it too.
    }
    if (query.type !== 'query') return;
    for (const question of query.questions ?? []) {
      const key = `${question.type} ${normalise(question.name)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      queries.push({ type: question.type, name: normalise(question.name) });
    }
    reply(query, rinfo);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { port } = socket.address();

  return {
    address: `127.0.0.1:${port}`,
    port,
    setRecords: (name, records) => behaviours.set(normalise(name), { kind: 'records', records }),
    nxdomain: (name) => behaviours.set(normalise(name), { kind: 'nxdomain' }),
    servfail: (name) => behaviours.set(normalise(name), { kind: 'servfail' }),
    refuse: (name) => behaviours.set(normalise(name), { kind: 'refused' }),
    blackhole: (name) => behaviours.set(normalise(name), { kind: 'blackhole' }),
    forget: (name) => behaviours.delete(normalise(name)),
    setUnknown: (behaviour) => {
      unknown = behaviour;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    queryCount: (type, name) => counts.get(`${type.toUpperCase()} ${normalise(name)}`) ?? 0,
    get queries() {
      return queries;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    resetCounters: () => {
      counts.clear();
      queries.length = 0;
      maxInFlight = inFlight;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

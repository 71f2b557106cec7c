import { classifyNameservers } from '../dns/nameserver-state.js';
import { REGISTRARS } from '../dns/registrars.js';
import type { DnsAnswer } from '../dns/resolver.js';
import type { Db } from '../store/database.js';
import type { DnsRepo, DomainDnsRecord } from '../store/dns-repo.js';
import type {
  ImportDomain,
  ImportPhase,
  ImportRecord,
  ImportsRepo,
  NameserverGroup,
} from '../store/imports-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { DomainDnsView } from '../views/import-dns-lines.js';
import type { ImportMessageModel } from '../views/import-message.js';

/** Phases in which the customer still has to change nameservers, so their DNS is worth a look. */
const WAITING_PHASES: ReadonlySet<ImportPhase> = new Set(['awaiting_dns', 'waiting_on_registrar']);

export const isWaitingOnNameservers = (phase: ImportPhase): boolean => WAITING_PHASES.has(phase);

/** The nameserver pair Peeker assigned to each domain of an import. */
export function assignedNameservers(groups: readonly NameserverGroup[]): Map<string, [string, string]> {
  const assigned = new Map<string, [string, string]>();
  for (const group of groups) for (const domain of group.domains) assigned.set(domain, group.nameservers);
  return assigned;
}

/** The nameservers Peeker assigned to a domain in its latest import here; undefined when never imported. */
export function assignedNameserversOf(imports: ImportsRepo, domain: string): [string, string] | undefined {
  const imported = imports.latestForDomain(domain);
  return imported ? assignedNameservers(imported.nameserverGroups).get(domain) : undefined;
}

/** The domains of an import worth looking up: not failed, not verified, with assigned nameservers. */
export function domainsToCheck(
  record: Pick<ImportRecord, 'nameserverGroups'>,
  domains: readonly ImportDomain[],
): { domain: string; assigned: [string, string] }[] {
  const assigned = assignedNameservers(record.nameserverGroups);
  return domains.flatMap((domain) => {
    const pair = assigned.get(domain.domain);
    return domain.state === 'pending' && pair ? [{ domain: domain.domain, assigned: pair }] : [];
  });
}

/**
 * The stored state after one NS answer. A failed lookup (`unknown`) keeps what was known before —
 * the domain did not move because the resolver failed — and only records the error; a domain
 * never seen answering stays `unknown` ("couldn't check just now").
 */
export function nextDomainState(
  before: DomainDnsRecord | undefined,
  domain: string,
  assigned: readonly string[],
  answer: DnsAnswer<string>,
  now: number,
): DomainDnsRecord {
  const found = classifyNameservers(assigned, answer);
  if (found.state === 'unknown') {
    return before
      ? { ...before, lastError: found.code, checkedAt: now }
      : {
          domain,
          state: 'unknown',
          nameservers: [],
          registrarId: null,
          lastError: found.code,
          checkedAt: now,
          changedAt: now,
        };
  }
  const nameservers = found.state === 'elsewhere' || found.state === 'other_cloudflare' ? found.current : [];
  const registrarId =
    found.state === 'elsewhere'
      ? (found.registrar?.id ?? null)
      : found.state === 'other_cloudflare'
        ? 'cloudflare'
        : null;
  const next: DomainDnsRecord = {
    domain,
    state: found.state,
    nameservers,
    registrarId,
    lastError: null,
    checkedAt: now,
    changedAt: now,
  };
  return before && visibleKey(before) === visibleKey(next) ? { ...next, changedAt: before.changedAt } : next;
}

/**
 * What the customer sees of a domain's DNS state, as a comparable key. A state never established
 * (`unknown` without an earlier answer) shows nothing worth an edit: a failing resolver alone never
 * edits the customer's message (the line says "couldn't check just now" the next time it is edited).
 */
export function visibleKey(state: DomainDnsRecord | undefined): string {
  if (!state || state.state === 'unknown') return '';
  return `${state.state}|${state.nameservers.join(',')}|${state.registrarId ?? ''}`;
}

const REGISTRAR_BY_ID = new Map(REGISTRARS.map((entry) => [entry.id, entry]));

/** A stored state as the instructions message shows it (registrar name and help page included). */
export function dnsView(state: DomainDnsRecord): DomainDnsView {
  const entry = state.registrarId ? REGISTRAR_BY_ID.get(state.registrarId) : undefined;
  const registrar = entry ? { name: entry.name, helpUrl: entry.helpUrl } : undefined;
  switch (state.state) {
    case 'pointing':
    case 'not_found':
    case 'unknown':
      return { state: state.state };
    case 'elsewhere':
    case 'other_cloudflare':
      return registrar
        ? { state: state.state, current: state.nameservers, registrar }
        : { state: state.state, current: state.nameservers };
  }
}

/**
 * The instructions message's model with the DNS check added: a line per domain still waiting, and
 * "nameservers set — waiting for Peeker to confirm" once every one of them points at Peeker. Only
 * while the import waits on the customer's nameservers; otherwise the model is returned as is.
 */
export function withDnsStates(
  model: ImportMessageModel,
  phase: ImportPhase,
  states: readonly DomainDnsRecord[],
): ImportMessageModel {
  if (!isWaitingOnNameservers(phase) || states.length === 0) return model;
  const byDomain = new Map(states.map((state) => [state.domain, state]));
  const domains = model.domains.map((domain) => {
    const state = byDomain.get(domain.domain);
    return domain.state === 'pending' && state ? { ...domain, dns: dnsView(state) } : domain;
  });
  const waiting = domains.filter((domain) => domain.state === 'pending');
  const nameserversSet = waiting.length > 0 && waiting.every((domain) => domain.dns?.state === 'pointing');
  return { ...model, domains, nameserversSet };
}

export interface ImportDnsRecorderDeps {
  db: Db;
  imports: ImportsRepo;
  dns: DnsRepo;
  outbox: SlackOutboxRepo;
  /** A waiting import's domains are looked up at most once per this interval (the poll interval). */
  intervalMs: number;
}

export interface ImportDnsCheck {
  /** Something the customer sees changed, so the instructions message is edited. */
  visibleChange: boolean;
  allPointing: boolean;
  /** Every domain just turned to pointing: Peeker is asked on the next poll tick. */
  recheckRequested: boolean;
}

/**
 * Records the NS answers of one waiting import in one transaction: each domain's state, the next
 * check one interval later, and — only when something the customer sees changed — a re-render of
 * the instructions. When every domain has just turned to the assigned nameservers, the import is
 * due with Peeker on the next poll tick instead of after its backed-off interval.
 */
export function createImportDnsRecorder(deps: ImportDnsRecorderDeps) {
  const { imports, dns, outbox } = deps;
  return deps.db.transaction(
    (
      importId: string,
      answers: ReadonlyMap<string, DnsAnswer<string>>,
      now: number,
    ): ImportDnsCheck | undefined => {
      const record = imports.get(importId);
      if (!record || !isWaitingOnNameservers(record.phase)) return undefined;
      const wanted = domainsToCheck(record, imports.domainsOf(importId));
      const previous = new Map(dns.domainStatesOf(importId).map((state) => [state.domain, state]));
      const updated: DomainDnsRecord[] = [];
      let visibleChange = false;
      for (const { domain, assigned } of wanted) {
        const answer = answers.get(domain);
        // Not looked up this time (the lookup service was busy or closing): nothing learnt.
        if (!answer || (answer.status === 'error' && (answer.code === 'busy' || answer.code === 'closed'))) {
          continue;
        }
        const before = previous.get(domain);
        const next = nextDomainState(before, domain, assigned, answer, now);
        if (visibleKey(before) !== visibleKey(next)) visibleChange = true;
        previous.set(domain, next);
        updated.push(next);
      }
      const allPointing =
        wanted.length > 0 && wanted.every(({ domain }) => previous.get(domain)?.state === 'pointing');
      const wasAllPointing = dns.scheduleOf(importId)?.allPointing ?? false;
      const recheckRequested = allPointing && !wasAllPointing;
      if (recheckRequested) imports.recheckBy(importId, now);
      if (allPointing !== wasAllPointing) visibleChange = true;
      dns.saveCheck(
        { importId, nextCheckAt: now + deps.intervalMs, lastCheckedAt: now, allPointing },
        updated,
      );
      if (visibleChange) outbox.markStale({ type: 'import', id: importId });
      return { visibleChange, allPointing, recheckRequested };
    },
  );
}

export type ImportDnsRecorder = ReturnType<typeof createImportDnsRecorder>;

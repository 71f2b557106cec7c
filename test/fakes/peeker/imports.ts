/**
 * The import endpoints of the importing-domains guide (https://docs.peeker.ai/guides/importing-domains.md):
 * `POST /domains/import` (≤25, synchronous), `POST /domains/import/jobs` (≤500, async), reads
 * by id, and the lookup by domains.
 */

import {
  domainProblem,
  type FakeContext,
  type FakeResource,
  invalid,
  isoSeconds,
  isRecord,
  newId,
  normalizeDomains,
  normalizeKeys,
  notFound,
  ok,
  type Reply,
} from './shared.js';

export type ImportStatus = 'in_progress' | 'completed' | 'failed' | 'action_required';

export interface NameserverGroup {
  nameserver_one: string;
  nameserver_two: string;
  domains: string[];
}

export interface FailedImportRow {
  domain: string;
  reason: string;
}

/** A synchronous import (`imp_…`) or an async import job (`imj_…`). */
export interface ImportObject {
  id: string;
  status: ImportStatus;
  submitted_count: number;
  completed_count: number;
  failed_count: number;
  nameserver_groups: NameserverGroup[];
  failed: FailedImportRow[];
  created_at: string;
  completed_at: string | null;
}

/** How new imports behave; see {@link FakePeeker.importBehaviour}. */
export interface ImportBehaviour {
  /** Status of a new synchronous import (default `completed`). Jobs always start `in_progress`. */
  initialStatus?: 'completed' | 'in_progress';
  /** Split accepted domains into nameserver groups of this size (default: one group). */
  groupSize?: number;
  /** Domain → failure reason; those domains become `failed` rows. */
  failDomains?: Record<string, string>;
}

const SYNC_IMPORT_MAX = 25;
const JOB_IMPORT_MAX = 500;

/** Nameserver pairs handed out per group; the first is the importing-domains guide's helena/idris. */
const NAMESERVER_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['helena', 'idris'],
  ['amir', 'bella'],
  ['carter', 'dina'],
  ['elliot', 'fatima'],
  ['gary', 'hana'],
  ['ivan', 'june'],
  ['kyle', 'lara'],
  ['miles', 'nora'],
];

interface ImportMeta {
  kind: 'import' | 'job';
  /** The normalized submitted domains, sorted. */
  domains: string[];
  accepted: string[];
  failures: FailedImportRow[];
}

/** State and routes of domain imports. */
export class ImportsResource implements FakeResource {
  /** Imports (`imp_…`) and import jobs (`imj_…`) by id. */
  readonly imports = new Map<string, ImportObject>();
  behaviour: ImportBehaviour;

  private readonly meta = new Map<string, ImportMeta>();
  private readonly importsByKey = new Map<string, string>();
  private readonly jobsByKey = new Map<string, string>();

  constructor(
    private readonly ctx: FakeContext,
    behaviour: ImportBehaviour = {},
  ) {
    this.behaviour = { ...behaviour };
  }

  reset(): void {
    this.imports.clear();
    this.meta.clear();
    this.importsByKey.clear();
    this.jobsByKey.clear();
    this.behaviour = {};
  }

  route(method: string, path: string, query: URLSearchParams, body: unknown): Reply | undefined {
    if (path === '/domains/import') {
      if (method === 'POST') return this.submit(body, 'import');
      if (method === 'GET') return this.lookup(query);
    }
    if (path === '/domains/import/jobs' && method === 'POST') return this.submit(body, 'job');
    const importId = /^\/domains\/import\/(?:jobs\/)?([^/]+)$/.exec(path)?.[1];
    if (importId !== undefined && method === 'GET') {
      const found = this.imports.get(importId);
      return found ? ok(found) : notFound(`No import ${importId}`);
    }
    return undefined;
  }

  get(id: string): ImportObject | undefined {
    return this.imports.get(id);
  }

  set(id: string, patch: Partial<ImportObject>): ImportObject {
    const current = this.imports.get(id);
    if (!current) throw new Error(`FakePeeker.setImport: no import ${id}`);
    const next = { ...current, ...patch, id };
    this.imports.set(id, next);
    return next;
  }

  add(domains: string[], job: boolean): ImportObject {
    return this.create(normalizeDomains(domains), job ? 'job' : 'import');
  }

  complete(id: string): ImportObject {
    const meta = this.meta.get(id);
    const current = this.imports.get(id);
    if (!meta || !current) throw new Error(`FakePeeker.completeImport: no import ${id}`);
    const groups =
      current.nameserver_groups.length > 0 ? current.nameserver_groups : this.group(meta.accepted);
    return this.set(id, {
      status: meta.accepted.length > 0 ? 'completed' : 'failed',
      nameserver_groups: groups,
      failed: meta.failures,
      completed_count: meta.accepted.length,
      failed_count: meta.failures.length,
      completed_at: isoSeconds(this.ctx.now()),
    });
  }

  /**
   * Accepted domains of every `completed` import or job, oldest first: what lands in the
   * partner's inventory (https://docs.peeker.ai/guides/importing-domains.md).
   */
  completedDomains(): string[] {
    const names: string[] = [];
    for (const [id, found] of this.imports) {
      if (found.status !== 'completed') continue;
      for (const domain of this.meta.get(id)?.accepted ?? []) if (!names.includes(domain)) names.push(domain);
    }
    return names;
  }

  private submit(body: unknown, kind: 'import' | 'job'): Reply {
    const max = kind === 'import' ? SYNC_IMPORT_MAX : JOB_IMPORT_MAX;
    const raw = isRecord(body) ? body.domains : undefined;
    if (!Array.isArray(raw) || raw.length === 0 || !raw.every((d) => typeof d === 'string')) {
      return invalid('domains must be a non-empty array of domain names', 'domains');
    }
    const list: string[] = raw;
    if (list.length > max) return invalid(`domains accepts at most ${max} entries`, 'domains');
    const domains = normalizeDomains(list);
    const status = kind === 'job' ? 202 : 200;
    const existingId = (kind === 'import' ? this.importsByKey : this.jobsByKey).get(domains.join(','));
    const existing = existingId === undefined ? undefined : this.imports.get(existingId);
    if (existing) return ok(existing, status);
    return ok(this.create(domains, kind), status);
  }

  private create(domains: string[], kind: 'import' | 'job'): ImportObject {
    const failDomains = normalizeKeys(this.behaviour.failDomains ?? {});
    const failures: FailedImportRow[] = [];
    const accepted: string[] = [];
    for (const domain of domains) {
      const reason = failDomains.get(domain) ?? domainProblem(domain);
      if (reason) failures.push({ domain, reason });
      else accepted.push(domain);
    }
    const id = newId(kind === 'import' ? 'imp' : 'imj');
    const createdAt = isoSeconds(this.ctx.now());
    let created: ImportObject;
    if (kind === 'job') {
      created = {
        id,
        status: 'in_progress',
        submitted_count: domains.length,
        completed_count: 0,
        failed_count: 0,
        nameserver_groups: [],
        failed: [],
        created_at: createdAt,
        completed_at: null,
      };
    } else {
      const status: ImportStatus =
        accepted.length === 0 ? 'failed' : (this.behaviour.initialStatus ?? 'completed');
      const done = status === 'completed';
      created = {
        id,
        status,
        submitted_count: domains.length,
        completed_count: done ? accepted.length : 0,
        failed_count: failures.length,
        nameserver_groups: this.group(accepted),
        failed: failures,
        created_at: createdAt,
        completed_at: done || status === 'failed' ? createdAt : null,
      };
    }
    this.imports.set(id, created);
    this.meta.set(id, { kind, domains, accepted, failures });
    (kind === 'import' ? this.importsByKey : this.jobsByKey).set(domains.join(','), id);
    return created;
  }

  private group(domains: string[]): NameserverGroup[] {
    if (domains.length === 0) return [];
    const size = Math.max(1, this.behaviour.groupSize ?? domains.length);
    const groups: NameserverGroup[] = [];
    for (let i = 0; i < domains.length; i += size) {
      const pair = NAMESERVER_PAIRS[groups.length % NAMESERVER_PAIRS.length] ?? ['helena', 'idris'];
      groups.push({
        nameserver_one: `${pair[0]}.ns.cloudflare.com`,
        nameserver_two: `${pair[1]}.ns.cloudflare.com`,
        domains: domains.slice(i, i + size),
      });
    }
    return groups;
  }

  private lookup(query: URLSearchParams): Reply {
    const wanted = normalizeDomains((query.get('domains') ?? '').split(',').filter((d) => d.trim() !== ''));
    if (wanted.length === 0) return invalid('The domains query parameter is required', 'domains');
    for (const id of [...this.imports.keys()].reverse()) {
      const meta = this.meta.get(id);
      const found = this.imports.get(id);
      if (meta && found && wanted.every((d) => meta.domains.includes(d))) return ok(found);
    }
    return notFound('No import contains those domains');
  }
}

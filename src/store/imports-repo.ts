import type { Db } from './database.js';

export type ImportPhase = 'preparing' | 'awaiting_dns' | 'waiting_on_registrar' | 'verified' | 'failed';
export type ImportKind = 'sync' | 'job';
export type DomainState = 'pending' | 'verified' | 'failed';

export interface NameserverGroup {
  nameservers: [string, string];
  domains: string[];
}

/** One Peeker import (`imp_…`) or import job we follow, and the customer channel it belongs to. */
export interface ImportRecord {
  id: string;
  kind: ImportKind;
  commandId: number | null;
  batch: number | null;
  channelId: string;
  requestedBy: string;
  phase: ImportPhase;
  peekerStatus: string;
  nameserverGroups: NameserverGroup[];
  /** `completed_at` Peeker reported when it handed us the nameservers (see import-state.ts). */
  handoffCompletedAt: string | null;
  failureReason: string | null;
  submittedAt: number;
  nameserversAt: number | null;
  waitingSince: number | null;
  finishedAt: number | null;
  updatedAt: number;
  nextCheckAt: number | null;
  lastCheckedAt: number | null;
  checkFailures: number;
}

export interface ImportDomain {
  domain: string;
  position: number;
  state: DomainState;
  failureReason: string | null;
}

interface ImportRow {
  id: string;
  kind: ImportKind;
  command_id: number | null;
  batch: number | null;
  channel_id: string;
  requested_by: string;
  phase: ImportPhase;
  peeker_status: string;
  nameserver_groups: string;
  handoff_completed_at: string | null;
  failure_reason: string | null;
  submitted_at: number;
  nameservers_at: number | null;
  waiting_since: number | null;
  finished_at: number | null;
  updated_at: number;
  next_check_at: number | null;
  last_checked_at: number | null;
  check_failures: number;
}

interface DomainRow {
  domain: string;
  position: number;
  state: DomainState;
  failure_reason: string | null;
}

const toRecord = (row: ImportRow): ImportRecord => ({
  id: row.id,
  kind: row.kind,
  commandId: row.command_id,
  batch: row.batch,
  channelId: row.channel_id,
  requestedBy: row.requested_by,
  phase: row.phase,
  peekerStatus: row.peeker_status,
  nameserverGroups: JSON.parse(row.nameserver_groups) as NameserverGroup[],
  handoffCompletedAt: row.handoff_completed_at,
  failureReason: row.failure_reason,
  submittedAt: row.submitted_at,
  nameserversAt: row.nameservers_at,
  waitingSince: row.waiting_since,
  finishedAt: row.finished_at,
  updatedAt: row.updated_at,
  nextCheckAt: row.next_check_at,
  lastCheckedAt: row.last_checked_at,
  checkFailures: row.check_failures,
});

const toDomain = (row: DomainRow): ImportDomain => ({
  domain: row.domain,
  position: row.position,
  state: row.state,
  failureReason: row.failure_reason,
});

const toRow = (record: ImportRecord): ImportRow => ({
  id: record.id,
  kind: record.kind,
  command_id: record.commandId,
  batch: record.batch,
  channel_id: record.channelId,
  requested_by: record.requestedBy,
  phase: record.phase,
  peeker_status: record.peekerStatus,
  nameserver_groups: JSON.stringify(record.nameserverGroups),
  handoff_completed_at: record.handoffCompletedAt,
  failure_reason: record.failureReason,
  submitted_at: record.submittedAt,
  nameservers_at: record.nameserversAt,
  waiting_since: record.waitingSince,
  finished_at: record.finishedAt,
  updated_at: record.updatedAt,
  next_check_at: record.nextCheckAt,
  last_checked_at: record.lastCheckedAt,
  check_failures: record.checkFailures,
});

const COLUMNS = [
  'id',
  'kind',
  'command_id',
  'batch',
  'channel_id',
  'requested_by',
  'phase',
  'peeker_status',
  'nameserver_groups',
  'handoff_completed_at',
  'failure_reason',
  'submitted_at',
  'nameservers_at',
  'waiting_since',
  'finished_at',
  'updated_at',
  'next_check_at',
  'last_checked_at',
  'check_failures',
] as const;

/** Imports and their domains. */
export function createImportsRepo(db: Db) {
  const insertImport = db.prepare<ImportRow>(
    `INSERT INTO imports (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  const updateImport = db.prepare<ImportRow>(
    `UPDATE imports SET ${COLUMNS.filter((c) => c !== 'id')
      .map((c) => `${c} = @${c}`)
      .join(', ')} WHERE id = @id`,
  );
  const insertDomain = db.prepare<[string, string, number, DomainState, string | null]>(
    'INSERT INTO import_domains (import_id, domain, position, state, failure_reason) VALUES (?, ?, ?, ?, ?)',
  );
  const updateDomain = db.prepare<[DomainState, string | null, string, string]>(
    'UPDATE import_domains SET state = ?, failure_reason = ? WHERE import_id = ? AND domain = ?',
  );
  const selectById = db.prepare<[string], ImportRow>('SELECT * FROM imports WHERE id = ?');
  const selectDomains = db.prepare<[string], DomainRow>(
    'SELECT domain, position, state, failure_reason FROM import_domains WHERE import_id = ? ORDER BY position',
  );
  const selectByBatch = db.prepare<[number, number], ImportRow>(
    'SELECT * FROM imports WHERE command_id = ? AND batch = ?',
  );
  const selectLatestByDomain = db.prepare<[string], ImportRow>(
    `SELECT imports.* FROM import_domains JOIN imports ON imports.id = import_domains.import_id
     WHERE import_domains.domain = ? ORDER BY imports.submitted_at DESC LIMIT 1`,
  );
  const selectDue = db.prepare<[number, number], ImportRow>(
    'SELECT * FROM imports WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?',
  );
  const moveCheckEarlier = db.prepare<[number, string, number]>(
    'UPDATE imports SET next_check_at = ? WHERE id = ? AND next_check_at IS NOT NULL AND next_check_at > ?',
  );
  const selectOldestCheck = db.prepare<[], { oldest: number | null }>(
    'SELECT MIN(COALESCE(last_checked_at, submitted_at)) AS oldest FROM imports WHERE next_check_at IS NOT NULL',
  );
  const selectRecent = db.prepare<[number], ImportRow>(
    'SELECT * FROM imports ORDER BY submitted_at DESC LIMIT ?',
  );
  const selectVerifiedInChannel = db.prepare<[string], { domain: string }>(
    `SELECT import_domains.domain FROM import_domains JOIN imports ON imports.id = import_domains.import_id
     WHERE imports.channel_id = ? AND import_domains.state = 'verified'
     ORDER BY imports.submitted_at, import_domains.position`,
  );
  const selectAnyInChannel = db.prepare<[string], { found: number }>(
    'SELECT 1 AS found FROM imports WHERE channel_id = ? LIMIT 1',
  );
  const selectVerifiedDomain = db.prepare<[string], { found: number }>(
    "SELECT 1 AS found FROM import_domains WHERE domain = ? AND state = 'verified' LIMIT 1",
  );

  return {
    insert(record: ImportRecord, domains: readonly ImportDomain[]): void {
      insertImport.run(toRow(record));
      for (const domain of domains) {
        insertDomain.run(record.id, domain.domain, domain.position, domain.state, domain.failureReason);
      }
    },

    update(record: ImportRecord): void {
      updateImport.run(toRow(record));
    },

    updateDomain(importId: string, domain: ImportDomain): void {
      updateDomain.run(domain.state, domain.failureReason, importId, domain.domain);
    },

    get(id: string): ImportRecord | undefined {
      const row = selectById.get(id);
      return row ? toRecord(row) : undefined;
    },

    domainsOf(id: string): ImportDomain[] {
      return selectDomains.all(id).map(toDomain);
    },

    /** The import a command's batch created, if it got that far before a crash. */
    forBatch(commandId: number, batch: number): ImportRecord | undefined {
      const row = selectByBatch.get(commandId, batch);
      return row ? toRecord(row) : undefined;
    },

    /** DNS-verified domains imported for a channel, oldest import first, without duplicates. */
    verifiedDomainsInChannel(channelId: string): string[] {
      return [...new Set(selectVerifiedInChannel.all(channelId).map((row) => row.domain))];
    },

    /** Which of these domains a (any channel's) import has DNS-verified: they are imported, not bought. */
    verifiedAmong(domains: readonly string[]): Set<string> {
      return new Set(domains.filter((domain) => selectVerifiedDomain.get(domain) !== undefined));
    },

    /** Whether nameserver instructions were ever posted for this channel (it has customers in it). */
    hasImportsInChannel(channelId: string): boolean {
      return selectAnyInChannel.get(channelId) !== undefined;
    },

    /** The latest imports, newest first (the Home tab). */
    recent(limit: number): ImportRecord[] {
      return selectRecent.all(limit).map(toRecord);
    },

    /** The most recent import that contains `domain`. */
    latestForDomain(domain: string): ImportRecord | undefined {
      const row = selectLatestByDomain.get(domain);
      return row ? toRecord(row) : undefined;
    },

    /** Unfinished imports due for a re-check, most overdue first. */
    due(now: number, limit: number): ImportRecord[] {
      return selectDue.all(now, limit).map(toRecord);
    },

    /**
     * Makes an unfinished import due with Peeker by `at` (our own DNS check saw its nameservers
     * switch); an earlier check already planned is kept, a finished import is left alone.
     */
    recheckBy(id: string, at: number): void {
      moveCheckEarlier.run(at, id, at);
    },

    /** When the least recently checked unfinished import was last checked (submitted, if never). */
    oldestCheck(): number | undefined {
      return selectOldestCheck.get()?.oldest ?? undefined;
    },
  };
}

export type ImportsRepo = ReturnType<typeof createImportsRepo>;

import type { PeekerImport } from '../peeker/imports.js';
import type {
  ImportDomain,
  ImportKind,
  ImportPhase,
  ImportRecord,
  NameserverGroup,
} from '../store/imports-repo.js';

/**
 * The import state machine, shared by the submission, the poll loop and the webhooks so that
 * whichever reports a change first wins and the others become no-ops. Pure: it takes the stored
 * record and one observation of Peeker's view, and returns the new record plus the changes
 * worth telling the customer about.
 *
 * Phases only move forward:
 *   preparing → awaiting_dns → waiting_on_registrar → verified | failed
 *
 * Peeker uses `completed` for two different moments (https://docs.peeker.ai/guides/importing-domains): an async job "moves from
 * in_progress → completed once nameservers are ready", and `domain_import.completed` arrives
 * "automatically when the customer flips DNS". The synchronous import even answers `completed`
 * with the nameservers straight away. So:
 * - the observation that first hands us the nameservers is the hand-off (→ awaiting_dns);
 * - after it, a `domain_import.completed` webhook means DNS is verified (the guide says so);
 * - a poll answer means verified only when it is news: `completed` after an
 *   `in_progress`/`action_required` answer, or with a `completed_at` other than the hand-off's
 *   (the guide's two examples differ exactly so). Re-reading the hand-off's own `completed` is
 *   not news, or every synchronous import would look verified on its first re-check.
 */
export interface ImportObservation {
  source: 'poll' | 'webhook';
  status: string;
  nameserverGroups: NameserverGroup[];
  failed: { domain: string; reason?: string | undefined }[];
  completedAt: string | null | undefined;
}

export type ImportChange =
  | { kind: 'nameservers_ready' }
  | { kind: 'waiting_on_registrar' }
  | { kind: 'verified' }
  | { kind: 'failed'; reason: string }
  | { kind: 'rows_failed'; domains: string[] };

export interface ImportTransition {
  record: ImportRecord;
  /** Domains whose state changed. */
  domains: ImportDomain[];
  changes: ImportChange[];
  /** True when anything stored changed (even without a customer-visible change). */
  changed: boolean;
}

const TERMINAL: ReadonlySet<ImportPhase> = new Set(['verified', 'failed']);
const PHASE_ORDER: Record<ImportPhase, number> = {
  preparing: 0,
  awaiting_dns: 1,
  waiting_on_registrar: 2,
  verified: 3,
  failed: 3,
};

export function isFinished(phase: ImportPhase): boolean {
  return TERMINAL.has(phase);
}

/** Peeker's wire shape → our observation. */
export function observe(peekerImport: PeekerImport, source: ImportObservation['source']): ImportObservation {
  return {
    source,
    status: peekerImport.status.toLowerCase(),
    nameserverGroups: peekerImport.nameserver_groups.map((group) => ({
      nameservers: [group.nameserver_one.toLowerCase(), group.nameserver_two.toLowerCase()],
      domains: group.domains.map((domain) => domain.toLowerCase()),
    })),
    failed: peekerImport.failed.map((row) => ({ domain: row.domain.toLowerCase(), reason: row.reason })),
    completedAt: peekerImport.completed_at,
  };
}

/** Where an import came from: which command and batch, for which channel, asked by whom. */
export interface ImportSubmissionContext {
  kind: ImportKind;
  commandId: number | null;
  batch: number | null;
  channelId: string;
  requestedBy: string;
}

/** The record for an import Peeker just accepted (the submission is the nameserver hand-off). */
export function initialImport(
  peekerImport: PeekerImport,
  submitted: readonly string[],
  context: ImportSubmissionContext,
  now: number,
): { record: ImportRecord; domains: ImportDomain[] } {
  const observation = observe(peekerImport, 'poll');
  const failedReasons = new Map(observation.failed.map((row) => [row.domain, row.reason ?? null]));
  // Domains Peeker mentions that we did not send (it normalised them differently) are tracked too.
  const names = [
    ...new Set([...submitted, ...observation.nameserverGroups.flatMap((group) => group.domains)]),
  ];
  const domains: ImportDomain[] = names.map((domain, position) => ({
    domain,
    position,
    state: failedReasons.has(domain) ? 'failed' : 'pending',
    failureReason: failedReasons.get(domain) ?? null,
  }));
  const everyDomainFailed = domains.every((domain) => domain.state === 'failed');
  const hasNameservers = observation.nameserverGroups.length > 0;
  let phase: ImportPhase = hasNameservers ? 'awaiting_dns' : 'preparing';
  let failureReason: string | null = null;
  if (observation.status === 'failed' || everyDomainFailed) {
    phase = 'failed';
    failureReason = everyDomainFailed ? 'every domain was rejected' : 'Peeker reported the import as failed';
  }
  const record: ImportRecord = {
    id: peekerImport.id,
    kind: context.kind,
    commandId: context.commandId,
    batch: context.batch,
    channelId: context.channelId,
    requestedBy: context.requestedBy,
    phase,
    peekerStatus: observation.status,
    nameserverGroups: observation.nameserverGroups,
    handoffCompletedAt: observation.status === 'completed' ? (observation.completedAt ?? null) : null,
    failureReason,
    submittedAt: now,
    nameserversAt: hasNameservers ? now : null,
    waitingSince: null,
    finishedAt: phase === 'failed' ? now : null,
    updatedAt: now,
    nextCheckAt: null,
    lastCheckedAt: now,
    checkFailures: 0,
  };
  return { record, domains };
}

/** Applies one observation (a poll answer or a webhook) to the stored import. */
export function transitionImport(
  current: ImportRecord,
  currentDomains: readonly ImportDomain[],
  observation: ImportObservation,
  now: number,
): ImportTransition {
  if (isFinished(current.phase)) return { record: current, domains: [], changes: [], changed: false };

  const record: ImportRecord = { ...current };
  const changes: ImportChange[] = [];
  const changedDomains = new Map<string, ImportDomain>();
  const domainState = new Map(currentDomains.map((domain) => [domain.domain, domain]));
  let phase = current.phase;

  // Rows Peeker now reports as failed.
  const newlyFailed: string[] = [];
  for (const row of observation.failed) {
    const domain = domainState.get(row.domain);
    if (!domain || domain.state === 'failed') continue;
    const updated: ImportDomain = { ...domain, state: 'failed', failureReason: row.reason ?? null };
    domainState.set(row.domain, updated);
    changedDomains.set(row.domain, updated);
    newlyFailed.push(row.domain);
  }

  const revealsNameservers = current.nameserverGroups.length === 0 && observation.nameserverGroups.length > 0;
  if (revealsNameservers) {
    record.nameserverGroups = observation.nameserverGroups;
    record.nameserversAt = now;
  }

  const stillActive = [...domainState.values()].filter((domain) => domain.state !== 'failed');
  switch (observation.status) {
    case 'failed':
      phase = 'failed';
      record.failureReason = 'Peeker reported the import as failed';
      break;
    case 'action_required':
      if (PHASE_ORDER[phase] < PHASE_ORDER.waiting_on_registrar) phase = 'waiting_on_registrar';
      break;
    case 'completed':
      if (revealsNameservers) {
        // The hand-off of an async job: nameservers are ready, DNS is not verified yet.
        if (phase === 'preparing') phase = 'awaiting_dns';
        record.handoffCompletedAt = observation.completedAt ?? null;
      } else if (record.nameserverGroups.length === 0) {
        // Completed, but we never saw the nameservers (a lean webhook): fetch them right away.
        record.nextCheckAt = now;
      } else if (
        observation.source === 'webhook' ||
        current.peekerStatus !== 'completed' ||
        !observation.completedAt ||
        observation.completedAt !== current.handoffCompletedAt
      ) {
        phase = 'verified';
      }
      break;
    default:
      if (revealsNameservers && phase === 'preparing') phase = 'awaiting_dns';
  }
  if (phase !== 'failed' && stillActive.length === 0 && currentDomains.length > 0) {
    phase = 'failed';
    record.failureReason = 'every domain was rejected';
  }

  if (newlyFailed.length > 0 && phase !== 'failed')
    changes.push({ kind: 'rows_failed', domains: newlyFailed });
  if (phase !== current.phase) {
    if (phase === 'awaiting_dns') changes.push({ kind: 'nameservers_ready' });
    if (phase === 'waiting_on_registrar') {
      record.waitingSince = now;
      changes.push({ kind: 'waiting_on_registrar' });
    }
    if (phase === 'verified') {
      for (const domain of stillActive) {
        const updated: ImportDomain = { ...domain, state: 'verified' };
        changedDomains.set(domain.domain, updated);
      }
      changes.push({ kind: 'verified' });
    }
    if (phase === 'failed') changes.push({ kind: 'failed', reason: record.failureReason ?? 'failed' });
    if (isFinished(phase)) {
      record.finishedAt = now;
      record.nextCheckAt = null;
    }
  }
  record.phase = phase;
  record.peekerStatus = observation.status;
  const changed =
    phase !== current.phase ||
    revealsNameservers ||
    changedDomains.size > 0 ||
    record.peekerStatus !== current.peekerStatus ||
    record.handoffCompletedAt !== current.handoffCompletedAt;
  if (changed) record.updatedAt = now;
  return { record, domains: [...changedDomains.values()], changes, changed };
}

/**
 * When to look at an unfinished import again: every `baseSeconds` at first, then a tenth of its
 * age, capped at 25 minutes — every pending import must be re-checked at least every 30 minutes,
 * and the cap leaves room for the tick granularity and a busy tick (benchmarked: a 30-minute cap
 * produced 31.5-minute gaps).
 */
export function nextCheckAt(
  record: Pick<ImportRecord, 'submittedAt'>,
  now: number,
  baseSeconds: number,
): number {
  const ageMs = Math.max(0, now - record.submittedAt);
  const intervalMs = Math.min(MAX_CHECK_INTERVAL_MS, Math.max(baseSeconds * 1000, ageMs / 10));
  return now + Math.round(intervalMs);
}

export const MAX_CHECK_INTERVAL_MS = 25 * 60 * 1000;

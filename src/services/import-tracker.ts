import { backoffDelay } from '../lib/backoff.js';
import type { PeekerImport } from '../peeker/imports.js';
import type { Db } from '../store/database.js';
import type { ImportDomain, ImportRecord, ImportsRepo } from '../store/imports-repo.js';
import type { OutboxSubject, SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { ImportMessageModel } from '../views/import-message.js';
import { type ImportReplyKind, renderDomainListReplies, renderImportReply } from '../views/import-replies.js';
import {
  type ImportChange,
  type ImportObservation,
  type ImportSubmissionContext,
  type ImportTransition,
  initialImport,
  isFinished,
  MAX_CHECK_INTERVAL_MS,
  nextCheckAt,
  transitionImport,
} from './import-state.js';

const importSubject = (importId: string): OutboxSubject => ({ type: 'import', id: importId });

/** The customer-facing instructions message's model of an import (its parent renders from this). */
export function importMessageModel(
  record: ImportRecord,
  domains: readonly ImportDomain[],
  now: number,
): ImportMessageModel {
  return {
    phase: record.phase,
    domains: domains.map((domain) => ({
      domain: domain.domain,
      state: domain.state,
      failureReason: domain.failureReason,
    })),
    nameserverGroups: record.nameserverGroups,
    waitedMs: now - (record.nameserversAt ?? record.submittedAt),
  };
}

export type ObservationSource = 'poll' | 'webhook';

export interface ImportTrackerDeps {
  db: Db;
  imports: ImportsRepo;
  outbox: SlackOutboxRepo;
  /** First re-check interval (`IMPORT_POLL_INTERVAL_SECONDS`). */
  pollIntervalSeconds: number;
  /** Orders placed in a channel before it received nameserver instructions (then ops wording). */
  orders?: { channelBecameCustomer(channelId: string): unknown };
}

/**
 * Persists the import state machine: every observation (submission, poll answer, webhook) is
 * applied in one synchronous SQLite transaction together with the Slack work it causes (the
 * parent edit and one thread reply per change), so a crash can never record a change without
 * the message that announces it, or announce it twice.
 */
export function createImportTracker(deps: ImportTrackerDeps) {
  const { db, imports, outbox } = deps;

  function queueReplies(record: ImportRecord, changes: readonly ImportChange[], now: number): void {
    if (changes.length === 0) return;
    const subject = importSubject(record.id);
    const view = importMessageModel(record, imports.domainsOf(record.id), now);
    for (const change of changes) {
      if (change.kind === 'rows_failed') {
        const failed = view.domains.filter((domain) => change.domains.includes(domain.domain));
        outbox.queueReply(
          subject,
          `import:${record.id}:rows_failed:${[...change.domains].sort().join(',')}`,
          renderImportReply('failed', view, failed),
          now,
        );
        continue;
      }
      const kind: ImportReplyKind = change.kind;
      outbox.queueReply(subject, `import:${record.id}:${kind}`, renderImportReply(kind, view), now);
    }
  }

  /**
   * When the instructions are too long to name every domain (hundreds of them), the full list of
   * domains per nameserver pair follows in the thread, once, as soon as the nameservers are known.
   */
  function queueDomainList(record: ImportRecord, now: number): void {
    if (record.nameserverGroups.length === 0) return;
    const view = importMessageModel(record, imports.domainsOf(record.id), now);
    for (const [index, reply] of renderDomainListReplies(view).entries()) {
      outbox.queueReply(importSubject(record.id), `import:${record.id}:domain_list:${index}`, reply, now);
    }
  }

  const recordSubmission = db.transaction(
    (
      peekerImport: PeekerImport,
      submitted: readonly string[],
      context: ImportSubmissionContext,
      now: number,
    ): { record: ImportRecord; messageId: number; isNew: boolean } => {
      const existing = imports.get(peekerImport.id);
      if (existing) {
        // Peeker returned an import we already follow (same domain set sent again).
        const message = outbox.ensureMessage(importSubject(existing.id), existing.channelId, now);
        return { record: existing, messageId: message.id, isNew: false };
      }
      const { record, domains } = initialImport(peekerImport, submitted, context, now);
      if (!isFinished(record.phase)) record.nextCheckAt = nextCheckAt(record, now, deps.pollIntervalSeconds);
      imports.insert(record, domains);
      // The customer reads this channel from now on: orders placed here earlier, while it looked
      // internal, are re-rendered without costs, IDs or Peeker's wording.
      deps.orders?.channelBecameCustomer(record.channelId);
      const message = outbox.ensureMessage(importSubject(record.id), record.channelId, now);
      queueDomainList(record, now);
      return { record, messageId: message.id, isNew: true };
    },
  );

  const apply = db.transaction(
    (importId: string, observation: ImportObservation, source: ObservationSource, now: number) => {
      const current = imports.get(importId);
      if (!current) return undefined;
      const transition: ImportTransition = transitionImport(
        current,
        imports.domainsOf(importId),
        observation,
        now,
      );
      const record = transition.record;
      if (source === 'poll') {
        record.lastCheckedAt = now;
        record.checkFailures = 0;
        if (!isFinished(record.phase))
          record.nextCheckAt = nextCheckAt(record, now, deps.pollIntervalSeconds);
      }
      imports.update(record);
      for (const domain of transition.domains) imports.updateDomain(importId, domain);
      if (transition.changed || (source === 'poll' && record.phase === 'waiting_on_registrar')) {
        // Waiting imports are re-rendered on every check so "waiting for 2 h" stays true; the
        // publisher skips the edit when the rendered text did not change.
        outbox.markStale(importSubject(importId));
      }
      if (current.nameserverGroups.length === 0) queueDomainList(record, now);
      queueReplies(record, transition.changes, now);
      return transition;
    },
  );

  const recordCheckFailure = db.transaction((importId: string, now: number) => {
    const current = imports.get(importId);
    if (!current || isFinished(current.phase)) return;
    const failures = current.checkFailures + 1;
    // Keep checking, but back off while Peeker keeps failing for this import: the usual interval
    // doubled per failure, never past the longest interval (every import is re-checked within 30 minutes).
    const interval = nextCheckAt(current, now, deps.pollIntervalSeconds) - now;
    const delay = backoffDelay(
      { baseMs: interval, capMs: MAX_CHECK_INTERVAL_MS, jitter: false },
      Math.min(failures, 5),
    );
    imports.update({ ...current, lastCheckedAt: now, checkFailures: failures, nextCheckAt: now + delay });
  });

  return {
    recordSubmission,
    apply,
    recordCheckFailure,
  };
}

export type ImportTracker = ReturnType<typeof createImportTracker>;

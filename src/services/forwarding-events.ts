import { forwardingJobSchema } from '../peeker/forwarding.js';
import { eventObject, forwardingFromEvent, type WebhookEvent } from '../peeker/webhook-events.js';
import type { ForwardingRepo } from '../store/forwarding-repo.js';
import type { JobReport } from './forwarding-state.js';
import type { ForwardingTracker } from './forwarding-tracker.js';
import { type EventHandler, retryLater } from './webhook-processor.js';

/** A report about domains we asked to repoint within this window is ours, even if it names another job. */
const OURS_WINDOW_MS = 24 * 3600_000;

/** The job a job-shaped event carries (`data` like `GET /domains/forwarding/{id}`), if it is one. */
function jobFromEvent(event: WebhookEvent): ({ id: string } & JobReport) | undefined {
  const parsed = forwardingJobSchema.safeParse(
    eventObject(event.data, ['forwarding', 'job', 'forwarding_job']),
  );
  if (!parsed.success || !parsed.data.id.startsWith('fwj_')) return undefined;
  const job = parsed.data;
  return {
    id: job.id,
    status: job.status,
    completed: job.completed,
    failed: job.failed.map((row) => ({ domain: row.domain, reason: row.reason ?? null })),
  };
}

/**
 * `domain.forwarding_updated` and `domain.forwarding_failed`
 * (https://docs.peeker.ai/guides/forwarding): "the same `data` shape as
 * `GET /domains/forwarding/{id}`" — or one domain, since the docs do not say whether they fire
 * per job or per domain. Both feed the forwarding state machine that polling feeds too:
 * - a job we follow → its report;
 * - domains of our running requests (per-domain events, or a second equivalent job left by a
 *   retried `POST`) → settled there;
 * - domains of a batch still waiting for Peeker's answer → looked at again shortly;
 * - domains we asked about recently and already settled → no-op (repeats, the other shape);
 * - anything else on an order we follow (a change made outside Slack) → a reply in its thread.
 */
export function createForwardingEventHandlers(deps: {
  tracker: ForwardingTracker;
  forwarding: ForwardingRepo;
}): Record<string, EventHandler> {
  const { tracker, forwarding } = deps;
  const handle: EventHandler = (event, stored, now) => {
    const job = jobFromEvent(event);
    if (job) {
      const applied = tracker.applyJob(job.id, job, 'webhook', now);
      if (applied) return { status: 'applied', outcome: applied.changed ? `job ${job.id}` : 'no change' };
    }
    const report = forwardingFromEvent(event);
    if (!report || report.changes.length === 0) {
      return { status: 'ignored', outcome: 'forwarding event without domains' };
    }
    const settled = new Set(tracker.applyDomainChanges(report.changes, report.url, now));
    const rest = report.changes.filter((change) => !settled.has(change.domain));
    if (rest.length > 0 && tracker.awaitingAnswer(rest.map((change) => change.domain))) {
      return retryLater(stored, now, 'forwarding job not recorded (yet)');
    }
    const ours = (domain: string) => forwarding.requestedSince(domain, report.url, now - OURS_WINDOW_MS);
    const external = rest.filter((change) => !ours(change.domain));
    const announced = external.length > 0 ? tracker.announceExternal(event.id, external, report.url, now) : 0;
    if (settled.size > 0 || announced > 0) {
      return { status: 'applied', outcome: `${settled.size} settled, ${announced} announced` };
    }
    return rest.length > external.length
      ? { status: 'applied', outcome: 'no change' }
      : { status: 'ignored', outcome: 'no domain of an order we follow' };
  };
  return {
    'domain.forwarding_updated': handle,
    'domain.forwarding_failed': handle,
  };
}

import type { KnownBlock } from '@slack/types';
import type { RenderedMessage } from './blocks.js';
import { LIMITS } from './limits.js';
import { peekerErrorFacts } from './peeker-error.js';
import {
  code,
  context,
  escapeMrkdwn,
  header,
  joinLimited,
  plural,
  section,
  truncate,
  userLink,
} from './text.js';

/**
 * `/peeker forward`: the acknowledgement, the refusals, the one message (posted where the command
 * was typed and edited in place until every job is terminal), and the replies in each affected
 * order's thread. `audience` decides what may be shown: a customer channel never sees job IDs,
 * error codes, request IDs or Peeker's reason codes.
 */
export type ForwardingAudience = 'ops' | 'customer';

/** Peeker's reasons for a domain it could not repoint, with what to do about each (ops wording). */
const REASONS: Record<string, { what: string; fix: string; customer: string }> = {
  dns_lookup_failed: {
    what: 'not resolving',
    fix: 're-import it or wait until it resolves, then run the command again',
    customer: 'not resolving yet',
  },
  target_unreachable: {
    what: 'the URL did not answer',
    fix: 'check the URL is live and serves https, then run the command again',
    customer: 'the address did not answer',
  },
  invalid_target: {
    what: 'Peeker cannot use the URL',
    fix: 'correct the URL and run the command again',
    customer: 'the address could not be used',
  },
  job_failed: {
    what: 'the whole job failed at Peeker',
    fix: 'run the command again; if it fails again, contact Peeker support with the job ID',
    customer: 'could not be changed yet',
  },
  not_reported: {
    what: 'Peeker did not report it',
    fix: 'run the command again for this domain',
    customer: 'could not be confirmed yet',
  },
};

/** What went wrong with one domain and how to fix it, for the ops person. */
export function forwardingFailureText(reason: string | null): { what: string; fix: string } {
  const known = reason ? REASONS[reason] : undefined;
  if (known) return { what: `${known.what} (${code(reason ?? '')})`, fix: known.fix };
  return {
    what: reason ? escapeMrkdwn(reason.replace(/_/g, ' ')) : 'no reason given',
    fix: 'run the command again; if it keeps failing, contact Peeker support',
  };
}

function customerReason(reason: string | null): string {
  return (reason ? REASONS[reason]?.customer : undefined) ?? 'could not be changed yet';
}

export interface ForwardingJobView {
  jobId: string | null;
  status: string;
  domains: number;
  /** Peeker refused the whole batch (the POST answered 4xx). */
  error: { code: string; message: string; requestId: string | null; field: string | null } | null;
}

export interface ForwardingMessageModel {
  audience: ForwardingAudience;
  url: string;
  total: number;
  completed: number;
  failed: { domain: string; reason: string | null }[];
  jobs: ForwardingJobView[];
  finished: boolean;
  requestedBy: string;
  sandbox: boolean;
}

/** How many failed domains the message names before "…and N more" (Slack's block text limit). */
const FAILED_LINES = 40;

/** The job message: the URL, done / failed counts, each failed domain with its reason and fix. */
export function renderForwardingMessage(model: ForwardingMessageModel): RenderedMessage {
  const failedCount = model.failed.length;
  const pending = Math.max(0, model.total - model.completed - failedCount);
  const url = escapeMrkdwn(model.url);
  const status = model.finished
    ? failedCount === 0
      ? `✅ All ${plural(model.total, 'domain')} now forward to ${url}`
      : model.completed === 0
        ? `❌ None of the ${plural(model.total, 'domain')} could be repointed`
        : `⚠️ ${model.completed} of ${plural(model.total, 'domain')} repointed, ${failedCount} failed`
    : `⏳ Repointing ${plural(model.total, 'domain')} — ${model.completed} done, ${failedCount} failed, ${pending} to go`;
  const blocks: KnownBlock[] = [
    header(model.finished ? 'Forwarding changed' : 'Changing forwarding'),
    section(`*New forwarding URL*\n${url}\n\n${status}`),
  ];
  if (failedCount > 0) {
    const lines = model.failed.slice(0, FAILED_LINES).map((row) => {
      if (model.audience === 'customer')
        return `• ${escapeMrkdwn(row.domain)} — ${customerReason(row.reason)}`;
      const { what, fix } = forwardingFailureText(row.reason);
      return `• ${escapeMrkdwn(row.domain)} — ${what}: ${fix}`;
    });
    if (failedCount > FAILED_LINES) lines.push(`…and ${failedCount - FAILED_LINES} more`);
    const heading = model.audience === 'customer' ? '*Not changed yet*' : '*Failed*';
    // Several sections: one section holds 3,000 characters.
    for (let start = 0; start < lines.length; start += 12) {
      blocks.push(
        section(`${start === 0 ? `${heading}\n` : ''}${lines.slice(start, start + 12).join('\n')}`),
      );
    }
    if (model.audience === 'customer')
      blocks.push(context('Our team has been notified and will follow up here.'));
  }
  if (model.audience === 'ops') {
    for (const job of model.jobs.filter((j) => j.error)) {
      const error = job.error;
      if (!error) continue;
      blocks.push(
        section(
          `❌ Peeker refused a batch of ${plural(job.domains, 'domain')}: *${escapeMrkdwn(truncate(error.message, 300))}*\n${peekerErrorFacts(error)}\nFix the input and run the command again for these domains.`,
        ),
      );
    }
    const jobIds = model.jobs.flatMap((job) => (job.jobId ? [job.jobId] : []));
    blocks.push(
      context(
        [
          `Requested by ${userLink(model.requestedBy)}`,
          jobIds.length > 0 ? `${plural(jobIds.length, 'job')}: ${joinLimited(jobIds.map(code), 4)}` : '',
          model.sandbox ? '_sandbox_' : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
    );
  }
  return {
    text: truncate(`Forwarding to ${url}: ${status.replace(/^\S+ /, '')}`, LIMITS.messageText),
    blocks: blocks.slice(0, LIMITS.blocksPerMessage),
  };
}

/** The one reply in an affected order's thread, once the change has finished. */
export function renderForwardingOrderReply(model: {
  audience: ForwardingAudience;
  url: string;
  completed: string[];
  failed: { domain: string; reason: string | null }[];
}): { text: string } {
  const url = escapeMrkdwn(model.url);
  const parts: string[] = [];
  if (model.completed.length > 0) {
    parts.push(
      `↪️ ${model.completed.length === 1 ? escapeMrkdwn(model.completed[0] ?? '') : plural(model.completed.length, 'domain')} now ${model.completed.length === 1 ? 'forwards' : 'forward'} to ${url}${model.completed.length > 1 ? `: ${joinLimited(model.completed.map(escapeMrkdwn), 10)}` : ''}.`,
    );
  }
  if (model.failed.length > 0) {
    if (model.audience === 'customer') {
      parts.push(
        `⚠️ ${joinLimited(
          model.failed.map((row) => escapeMrkdwn(row.domain)),
          10,
        )} could not be repointed yet. Our team is on it.`,
      );
    } else {
      parts.push(
        `⚠️ Could not repoint to ${url}: ${joinLimited(
          model.failed.map(
            (row) => `${escapeMrkdwn(row.domain)} (${forwardingFailureText(row.reason).what})`,
          ),
          10,
        )}.`,
      );
    }
  }
  return { text: truncate(parts.join('\n'), LIMITS.messageText) };
}

/**
 * A forwarding change the app did not ask for (made through the API, say), reported by webhook:
 * one reply per domain in the thread of the order that has it.
 */
export function renderForwardingReply(
  audience: ForwardingAudience,
  domain: string,
  url: string | null,
  ok: boolean,
  reason: string | null,
): { text: string } {
  if (ok) {
    return {
      text: `↪️ ${escapeMrkdwn(domain)} now forwards to ${url ? escapeMrkdwn(url) : 'its new address'}.`,
    };
  }
  // A customer sees plain words; Peeker's reason (free text from its API) stays in ops channels.
  if (audience === 'customer') {
    const known = reason ? REASONS[reason]?.customer : undefined;
    return {
      text: `⚠️ The forwarding of ${escapeMrkdwn(domain)} could not be changed${known ? ` (${known})` : ' yet'}. Our team is on it.`,
    };
  }
  return {
    text: `⚠️ The forwarding of ${escapeMrkdwn(domain)} could not be changed${reason ? `: ${forwardingFailureText(reason).what}` : ''}.`,
  };
}

/** The acknowledgement of a valid `/peeker forward`. */
export function renderForwardAcknowledged(
  targets: { domains: number; orders: number },
  url: string,
): RenderedMessage {
  const what = [
    targets.domains > 0 ? plural(targets.domains, 'domain') : '',
    targets.orders > 0 ? `the connected domains of ${plural(targets.orders, 'order')}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const text = `🔎 Checking ${what} and pointing them at ${escapeMrkdwn(url)}. Progress will show in a message here.`;
  return { text, blocks: [section(text)] };
}

/** Everything refused before any call, all named at once. */
export function renderForwardRefused(problems: {
  unknown: string[];
  notConnected: string[];
  emptyOrders: string[];
  unknownOrders: string[];
}): RenderedMessage {
  const lines: string[] = [];
  const names = (list: string[]) => joinLimited(list.map(escapeMrkdwn), 30);
  if (problems.unknown.length > 0) {
    lines.push(`• Not on any order Peeker knows: ${names(problems.unknown)}`);
  }
  if (problems.notConnected.length > 0) {
    lines.push(`• Not connected yet (still being set up): ${names(problems.notConnected)}`);
  }
  if (problems.unknownOrders.length > 0) {
    lines.push(`• Orders Peeker does not know: ${joinLimited(problems.unknownOrders.map(code), 10)}`);
  }
  if (problems.emptyOrders.length > 0) {
    lines.push(`• Orders with no connected domain yet: ${joinLimited(problems.emptyOrders.map(code), 10)}`);
  }
  const text = `❌ Nothing was changed. Forwarding can only change on connected domains:\n${lines.join('\n')}\nRemove these (or wait until they are connected) and run the command again.`;
  return { text: truncate(text, LIMITS.messageText), blocks: [section(text)] };
}

/**
 * `/peeker forward` typed in a customer's channel for domains of another channel: refused, since
 * the job message there would show them to this customer.
 */
export function renderForwardElsewhere(domains: readonly string[]): RenderedMessage {
  const names = joinLimited(domains.map(escapeMrkdwn), 30);
  const text = `❌ Nothing was changed. This is a customer's channel, and the forwarding message posted here would show domains that were not ordered or imported in it: ${names}\nRun the command in your team's channel or in a direct message with the app, or leave those domains out.`;
  return { text: truncate(text, LIMITS.messageText), blocks: [section(text)] };
}

import type { KnownBlock } from '@slack/types';
import type { RenderedMessage } from './blocks.js';
import { describeFailureReason } from './import-message.js';
import { type PeekerErrorView, peekerErrorText } from './peeker-error.js';
import { channelLink, code, context, escapeMrkdwn, joinLimited, plural, section, truncate } from './text.js';

/** Ephemeral messages to the person who ran `/peeker import` (ops-facing: IDs are fine here). */

export interface InvalidEntryView {
  input: string;
  message: string;
}

export function importAcknowledged(
  domainCount: number,
  channelId: string,
  sandbox: boolean,
): RenderedMessage {
  const text = `⏳ Importing ${plural(domainCount, 'domain')} into Peeker for ${channelLink(channelId)}…${sandbox ? ' _(sandbox)_' : ''}`;
  return { text, blocks: [section(text)] };
}

export function importInvalid(invalid: readonly InvalidEntryView[], validCount: number): RenderedMessage {
  const lines = invalid
    .slice(0, 30)
    .map((entry) => `• ${code(entry.input)} — ${escapeMrkdwn(entry.message)}`);
  if (invalid.length > 30) lines.push(`…and ${invalid.length - 30} more`);
  const text = `Nothing was imported: ${plural(invalid.length, 'entry is', 'entries are')} not a root domain Peeker can import.`;
  const blocks: KnownBlock[] = [
    section(`*${text}*\n${truncate(lines.join('\n'), 2800)}`),
    context(
      `Fix ${invalid.length === 1 ? 'it' : 'them'} and run the command again${validCount > 0 ? ` (the other ${plural(validCount, 'domain')} looked fine)` : ''}. Example: \`/peeker import acme-mail.com team-acme.com in #acme-shared\``,
    ),
  ];
  return { text, blocks };
}

/** How the parent message post went, for the requester. */
export type PostView = { status: 'posted' } | { status: 'queued' } | { status: 'failed'; error: string };

export interface ImportReportView {
  channelId: string;
  sandbox: boolean;
  imports: {
    importId: string;
    domains: string[];
    failed: { domain: string; reason: string | null }[];
    alreadyTracked: boolean;
    post: PostView;
  }[];
  errors: { domains: string[]; error: PeekerErrorView }[];
}

/** Why a post into the customer channel failed, and what to do about it. */
export function postFailureAdvice(channelId: string, error: string): string {
  const channel = channelLink(channelId);
  switch (error) {
    case 'not_in_channel':
      return `I’m not a member of ${channel}, so I can’t post there. Invite me with \`/invite @Peeker\` in that channel, then run the same command again — the import is already done and won’t be repeated.`;
    case 'channel_not_found':
      return `I can’t see ${channel}: it is private (or was deleted). Invite me with \`/invite @Peeker\` in that channel, then run the same command again — the import is already done and won’t be repeated.`;
    case 'is_archived':
      return `${channel} is archived. Unarchive it, or run the command again with another channel (\`… in #channel\`).`;
    case 'restricted_action':
    case 'restricted_action_read_only_channel':
    case 'restricted_action_thread_only_channel':
      return `${channel} doesn’t allow me to post (posting is restricted there). Ask a channel manager to allow it, or use another channel.`;
    default:
      return `Slack refused the message for ${channel} (${code(error)}). Try the command again in a minute.`;
  }
}

/** A post that can never land, as a message to the person who asked for it. */
export function postFailureNotice(channelId: string, error: string): RenderedMessage {
  const text = `⚠️ ${postFailureAdvice(channelId, error)}`;
  return { text, blocks: [section(text)] };
}

export function importReport(report: ImportReportView): RenderedMessage {
  const blocks: KnownBlock[] = [];
  const lines: string[] = [];
  const channel = channelLink(report.channelId);
  const posted = report.imports.filter((item) => item.post.status === 'posted');
  const queued = report.imports.filter((item) => item.post.status === 'queued');
  const postedDomains = posted.flatMap((item) =>
    item.domains.filter((d) => !item.failed.some((f) => f.domain === d)),
  );

  if (posted.length > 0) {
    const reused = posted.every((item) => item.alreadyTracked);
    lines.push(
      reused
        ? `📬 These domains were already imported; their nameserver instructions are in ${channel}.`
        : `📬 Posted the nameserver instructions for ${plural(postedDomains.length, 'domain')} in ${channel}. I’ll keep ${posted.length === 1 ? 'that message' : 'those messages'} up to date until DNS is verified.`,
    );
  }
  if (queued.length > 0) {
    lines.push(
      `⏳ The nameserver instructions for ${plural(queued.flatMap((item) => item.domains).length, 'domain')} will appear in ${channel} shortly (Slack asked us to slow down).`,
    );
  }
  const postErrors = new Set(
    report.imports.flatMap((item) => (item.post.status === 'failed' ? [item.post.error] : [])),
  );
  for (const error of postErrors) lines.push(`⚠️ ${postFailureAdvice(report.channelId, error)}`);

  const rejected = report.imports.flatMap((item) => item.failed);
  if (rejected.length > 0) {
    lines.push(
      `⚠️ Peeker rejected ${plural(rejected.length, 'domain')} (the rest went on):\n${joinLimited(
        rejected.map((row) => `• ${code(row.domain)} — ${escapeMrkdwn(describeFailureReason(row.reason))}`),
        20,
        '\n',
      )}`,
    );
  }
  for (const failure of report.errors) {
    lines.push(peekerErrorText(`import ${plural(failure.domains.length, 'domain')}`, failure.error));
  }
  for (const line of lines) blocks.push(section(truncate(line, 2900)));

  const ids = report.imports.map((item) => code(item.importId));
  if (ids.length > 0 || report.sandbox) {
    blocks.push(
      context(
        [
          ids.length > 0 ? `Peeker ${ids.length === 1 ? 'import' : 'imports'} ${joinLimited(ids, 5)}` : '',
          report.sandbox ? '_sandbox_' : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
    );
  }
  return { text: truncate(lines.join('\n'), 3000) || 'Import finished.', blocks };
}

/** A command whose work threw unexpectedly: the person hears it failed on our side. */
export function renderCommandCrashed(): RenderedMessage {
  const text =
    '❌ Something went wrong on our side while running that command. It has been logged; please try again.';
  return { text, blocks: [section(text)] };
}

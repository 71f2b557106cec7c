import {
  activeGroups,
  describeFailureReason,
  domainsFitInMessage,
  type ImportMessageModel,
  SECTION_BUDGET,
} from './import-message.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, formatDuration, joinLimited, listNames, truncate } from './text.js';

/**
 * The full domain list per nameserver group as thread replies, for a message too long to name
 * every domain itself; empty when the parent shows them all.
 */
export function renderDomainListReplies(model: ImportMessageModel): { text: string }[] {
  if (domainsFitInMessage(model)) return [];
  const replies: string[] = [];
  let current = '';
  for (const { group, domains } of activeGroups(model)) {
    const head = `\`${escapeMrkdwn(group.nameservers[0])}\` and \`${escapeMrkdwn(group.nameservers[1])}\` for:`;
    let block = head;
    for (const domain of domains) {
      const line = `\n• ${escapeMrkdwn(domain.domain)}`;
      if (block.length + line.length > SECTION_BUDGET) {
        replies.push(current ? `${current}\n\n${block}` : block);
        current = '';
        block = `${head} (continued)`;
      }
      block += line;
    }
    if (current.length + block.length + 2 > SECTION_BUDGET) {
      replies.push(current);
      current = block;
    } else current = current ? `${current}\n\n${block}` : block;
  }
  if (current) replies.push(current);
  return replies.map((text, index) => ({
    text: `${index === 0 ? '*Every domain and its nameservers*\n' : ''}${text}`,
  }));
}

export type ImportReplyKind = 'nameservers_ready' | 'waiting_on_registrar' | 'verified' | 'failed';

/** One short thread reply per change of an import. */
export function renderImportReply(
  kind: ImportReplyKind,
  model: ImportMessageModel,
  newlyFailed: ImportMessageModel['domains'] = [],
): { text: string } {
  const active = model.domains.filter((domain) => domain.state !== 'failed').map((domain) => domain.domain);
  const names = escapeMrkdwn(listNames(active, 10));
  switch (kind) {
    case 'nameservers_ready':
      return {
        text: `The nameservers for ${names} are ready — please set them at your registrar as shown above.`,
      };
    case 'waiting_on_registrar': {
      const groups = model.nameserverGroups
        .slice(0, 5)
        .map(
          (group) =>
            `• \`${escapeMrkdwn(group.nameservers[0])}\` and \`${escapeMrkdwn(group.nameservers[1])}\` for ${escapeMrkdwn(joinLimited(group.domains, 5))}`,
        );
      const waited = model.waitedMs !== null ? ` (waiting ${formatDuration(model.waitedMs)} so far)` : '';
      return {
        text: truncate(
          `🕒 Still waiting on the registrar${waited}: the nameservers haven’t changed yet. Please set:\n${groups.join('\n')}`,
          LIMITS.messageText,
        ),
      };
    }
    case 'verified':
      return { text: `✅ DNS verified for ${names}.` };
    case 'failed':
      if (newlyFailed.length > 0 && model.phase !== 'failed') {
        return {
          text: truncate(
            newlyFailed
              .map(
                (domain) =>
                  `❌ ${escapeMrkdwn(domain.domain)} could not be imported: ${escapeMrkdwn(describeFailureReason(domain.failureReason, 'customer'))}.`,
              )
              .join('\n'),
            LIMITS.messageText,
          ),
        };
      }
      return {
        text: '❌ This import could not be completed. Our team has been notified and will follow up here.',
      };
  }
}

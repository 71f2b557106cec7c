import type { KnownBlock } from '@slack/types';
import type { RenderedMessage } from './blocks.js';
import type { ImportMessagePhase } from './import-message.js';
import { describeFailureReason } from './import-message.js';
import {
  channelLink,
  code,
  context,
  escapeMrkdwn,
  formatDuration,
  joinLimited,
  section,
  userLink,
} from './text.js';

/** `/peeker status …` answers (ephemeral, ops-facing). */

export interface TrackedImportStatus {
  importId: string;
  phase: ImportMessagePhase;
  peekerStatus: string;
  channelId: string;
  requestedBy: string;
  domains: { domain: string; state: 'pending' | 'verified' | 'failed'; failureReason: string | null }[];
  nameserverGroups: { nameservers: [string, string]; domains: string[] }[];
  sinceSubmittedMs: number;
  waitedMs: number | null;
  lastCheckedAgoMs: number | null;
  nextCheckInMs: number | null;
  messagePosted: boolean;
  focusDomain: string | undefined;
}

export interface PeekerImportStatus {
  importId: string;
  status: string;
  submitted: number | null;
  completed: number | null;
  failed: { domain: string; reason: string | null | undefined }[];
  nameserverGroups: { nameservers: [string, string]; domains: string[] }[];
  focusDomain: string | undefined;
}

const PHASE_TEXT: Record<ImportMessagePhase, string> = {
  preparing: '⏳ preparing nameservers',
  awaiting_dns: '⏳ waiting for the nameserver change',
  waiting_on_registrar: '🕒 waiting on the registrar',
  verified: '✅ DNS verified',
  failed: '❌ failed',
};

function nameserverLines(
  groups: TrackedImportStatus['nameserverGroups'],
  focus: string | undefined,
): string[] {
  return groups
    .filter((group) => !focus || group.domains.includes(focus))
    .slice(0, 5)
    .map(
      (group) =>
        `\`${escapeMrkdwn(group.nameservers[0])}\` + \`${escapeMrkdwn(group.nameservers[1])}\` for ${escapeMrkdwn(joinLimited(group.domains, 8))}`,
    );
}

export function renderTrackedImportStatus(status: TrackedImportStatus, sandbox: boolean): RenderedMessage {
  const focus = status.focusDomain
    ? status.domains.find((domain) => domain.domain === status.focusDomain)
    : undefined;
  const title = focus
    ? `*${escapeMrkdwn(focus.domain)}* — ${
        focus.state === 'failed'
          ? `❌ rejected: ${escapeMrkdwn(describeFailureReason(focus.failureReason))}`
          : focus.state === 'verified'
            ? '✅ DNS verified'
            : PHASE_TEXT[status.phase]
      }`
    : `*Import ${code(status.importId)}* — ${PHASE_TEXT[status.phase]}`;
  const waited =
    status.phase === 'waiting_on_registrar' || status.phase === 'awaiting_dns'
      ? status.waitedMs !== null
        ? ` for ${formatDuration(status.waitedMs)}`
        : ''
      : '';
  const counts = {
    verified: status.domains.filter((domain) => domain.state === 'verified').length,
    failed: status.domains.filter((domain) => domain.state === 'failed').length,
    total: status.domains.length,
  };
  const lines = [
    `${title}${waited}`,
    `${counts.verified}/${counts.total - counts.failed} verified${counts.failed > 0 ? ` · ${counts.failed} rejected` : ''} · Peeker says ${code(status.peekerStatus)}`,
    ...nameserverLines(status.nameserverGroups, status.focusDomain),
  ];
  const facts = [
    focus ? `import ${code(status.importId)}` : undefined,
    `${status.messagePosted ? 'instructions in' : 'for'} ${channelLink(status.channelId)}`,
    `asked by ${userLink(status.requestedBy)} ${formatDuration(status.sinceSubmittedMs)} ago`,
    status.lastCheckedAgoMs !== null ? `checked ${formatDuration(status.lastCheckedAgoMs)} ago` : undefined,
    status.nextCheckInMs !== null
      ? `next check in ${formatDuration(Math.max(0, status.nextCheckInMs))}`
      : undefined,
    sandbox ? '_sandbox_' : undefined,
  ].filter(Boolean) as string[];
  const blocks: KnownBlock[] = [section(lines.join('\n')), context(facts.join(' · '))];
  return { text: lines[0] ?? 'Import status', blocks };
}

export function renderPeekerImportStatus(status: PeekerImportStatus, sandbox: boolean): RenderedMessage {
  const failed = status.focusDomain
    ? status.failed.find((row) => row.domain === status.focusDomain)
    : undefined;
  const subject = status.focusDomain
    ? `*${escapeMrkdwn(status.focusDomain)}*`
    : `*Import ${code(status.importId)}*`;
  const lines = [
    `${subject} — Peeker says ${code(status.status)}${failed ? ` (rejected: ${escapeMrkdwn(describeFailureReason(failed.reason))})` : ''}`,
    status.submitted !== null ? `${status.completed ?? 0}/${status.submitted} domains completed` : undefined,
    ...nameserverLines(status.nameserverGroups, status.focusDomain),
  ].filter(Boolean) as string[];
  const blocks: KnownBlock[] = [
    section(lines.join('\n')),
    context(
      `Not followed from Slack (it was imported elsewhere), so no channel gets updates. Import ${code(status.importId)}${sandbox ? ' · _sandbox_' : ''}`,
    ),
  ];
  return { text: lines[0] ?? 'Import status', blocks };
}

export function renderStatusNotFound(target: string, kind: 'domain' | 'import' | 'order'): RenderedMessage {
  const text =
    kind === 'domain'
      ? `I found no import for ${code(target)}, here or in Peeker. Import it with \`/peeker import ${escapeMrkdwn(target.replace(/`/g, ''))}\`.`
      : `I found no ${kind} ${code(target)}, here or in Peeker. Check the ID (it is in the ${kind === 'import' ? 'import confirmation' : 'order status message'}).`;
  return { text, blocks: [section(text)] };
}

export function renderStatusUsage(problem: string): RenderedMessage {
  const text = `${escapeMrkdwn(problem)} Usage: \`/peeker status <domain | imp_… | ord_…>\` — e.g. \`/peeker status acme-mail.com\`.`;
  return { text, blocks: [section(text)] };
}

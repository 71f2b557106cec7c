import { normalizeDomain } from '../parsing/domains.js';
import { describePeekerError, PeekerNotFoundError } from '../peeker/errors.js';
import type { PeekerImport } from '../peeker/imports.js';
import type { ImportRecord } from '../store/imports-repo.js';
import type { RenderedMessage } from '../views/blocks.js';
import { peekerErrorText } from '../views/peeker-error.js';
import {
  renderPeekerImportStatus,
  renderStatusNotFound,
  renderStatusUsage,
  renderTrackedImportStatus,
} from '../views/status.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';
import { localOrderStatus, ORDER_ID, remoteOrderStatus } from './order-status.js';

const IMPORT_ID = /^im[pj]_[A-Za-z0-9]+$/;

function trackedStatus(record: ImportRecord, deps: CommandDeps, focusDomain?: string): RenderedMessage {
  const now = deps.now();
  const message = deps.outbox.messageFor({ type: 'import', id: record.id });
  return renderTrackedImportStatus(
    {
      importId: record.id,
      phase: record.phase,
      peekerStatus: record.peekerStatus,
      channelId: message?.channelId ?? record.channelId,
      requestedBy: record.requestedBy,
      domains: deps.imports.domainsOf(record.id),
      nameserverGroups: record.nameserverGroups,
      sinceSubmittedMs: now - record.submittedAt,
      waitedMs: record.nameserversAt !== null ? now - record.nameserversAt : null,
      lastCheckedAgoMs: record.lastCheckedAt !== null ? now - record.lastCheckedAt : null,
      nextCheckInMs: record.nextCheckAt !== null ? record.nextCheckAt - now : null,
      messagePosted: message?.state === 'posted',
      focusDomain,
    },
    deps.isSandbox(),
  );
}

function peekerStatus(
  data: PeekerImport,
  focusDomain: string | undefined,
  sandbox: boolean,
): RenderedMessage {
  return renderPeekerImportStatus(
    {
      importId: data.id,
      status: data.status,
      submitted: data.submitted_count ?? null,
      completed: data.completed_count ?? null,
      failed: data.failed,
      nameserverGroups: data.nameserver_groups.map((group) => ({
        nameservers: [group.nameserver_one, group.nameserver_two],
        domains: group.domains,
      })),
      focusDomain,
    },
    sandbox,
  );
}

/**
 * `/peeker status <domain | imp_… | ord_…>`: answered from SQLite when we follow it (instantly, in
 * the acknowledgement), otherwise looked up in Peeker after acknowledging.
 */
export async function handleStatus(
  { ack, respond }: CommandArgs,
  target: string,
  deps: CommandDeps,
): Promise<void> {
  const count = (outcome: string) => countCommand(deps, 'status', outcome);
  if (target === '') {
    await ack({ response_type: 'ephemeral', ...renderStatusUsage('Which domain, import or order?') });
    return count('invalid_input');
  }
  const isOrderId = ORDER_ID.test(target);
  const isImportId = IMPORT_ID.test(target);
  const domain = isOrderId || isImportId ? undefined : normalizeDomain(target);
  if (!isOrderId && !isImportId && !domain) {
    await ack({
      response_type: 'ephemeral',
      ...renderStatusUsage(`I can’t read \`${target.slice(0, 80)}\` as a domain or an ID.`),
    });
    return count('invalid_input');
  }

  const local = isOrderId
    ? localOrderStatus(target, deps)
    : isImportId
      ? (() => {
          const record = deps.imports.get(target);
          return record ? trackedStatus(record, deps) : undefined;
        })()
      : (() => {
          const record = domain ? deps.imports.latestForDomain(domain) : undefined;
          return record ? trackedStatus(record, deps, domain) : undefined;
        })();
  if (local) {
    await ack({ response_type: 'ephemeral', ...local });
    return count('ok');
  }

  await ack({ response_type: 'ephemeral', text: '🔎 Not followed here yet — asking Peeker…' });
  try {
    let answer: RenderedMessage | undefined;
    if (isOrderId) {
      answer = await remoteOrderStatus(target, deps);
    } else if (isImportId) {
      const kind = target.startsWith('imp_') ? 'sync' : 'job';
      answer = await deps.peeker.imports
        .get(target, kind)
        .then((result) => peekerStatus(result.data, undefined, deps.isSandbox()))
        .catch((error: unknown) => {
          if (error instanceof PeekerNotFoundError) return undefined;
          throw error;
        });
    } else if (domain) {
      const { data } = await deps.peeker.imports.lookup([domain]);
      const [first] = data;
      answer = first ? peekerStatus(first, domain, deps.isSandbox()) : undefined;
    }
    await respond({
      response_type: 'ephemeral',
      ...(answer ??
        renderStatusNotFound(domain ?? target, isOrderId ? 'order' : isImportId ? 'import' : 'domain')),
    });
    count(answer ? 'ok' : 'not_found');
  } catch (error) {
    const text = peekerErrorText('look that up', describePeekerError(error));
    await respond({ response_type: 'ephemeral', text }).catch(() => undefined);
    count('peeker_error');
  }
}

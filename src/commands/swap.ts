import { normalizeDomain, validateRootDomain } from '../parsing/domains.js';
import type { RenameSession } from '../services/rename-session.js';
import type { SwapSession } from '../services/swap-session.js';
import { classifySlackError } from '../slack/slack-errors.js';
import { renderUsageError } from '../views/help.js';
import { renderChangeFormOpenFailed } from '../views/swap-modal.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/** The modals of `/peeker swap` and `/peeker rename`. */
export interface ChangeCommandDeps {
  swapSession: SwapSession;
  renameSession: RenameSession;
}

/** A root domain, or why not (plain text). */
function rootOrProblem(text: string): { domain: string } | { problem: string } {
  const domain = normalizeDomain(text);
  const invalid = validateRootDomain(domain, text);
  return invalid ? { problem: invalid.message } : { domain };
}

/** The domain to change: a root domain, or Peeker's `dom_…` ID of one. */
function domainRef(text: string): { domain: string } | { problem: string } {
  const trimmed = text.trim();
  return DOMAIN_ID.test(trimmed) ? { domain: trimmed } : rootOrProblem(trimmed);
}

const DOMAIN_ID = /^dom_[A-Za-z0-9]+$/;

/**
 * `/peeker swap <domain> [for <replacement>] [premium]`: names are checked before the
 * acknowledgement (a root domain, not swapped onto itself); then the swap modal opens at once —
 * the trigger expires 3 s after the command — and fills in once the domain's order is known.
 */
export async function handleSwap(
  { ack, command, respond }: CommandArgs,
  parsed: { domain: string; replacement?: string; premium: boolean },
  deps: CommandDeps,
): Promise<void> {
  const sessions = deps.changes;
  const domain = domainRef(parsed.domain);
  const replacement = parsed.replacement === undefined ? undefined : rootOrProblem(parsed.replacement);
  const problem =
    'problem' in domain
      ? domain.problem
      : replacement && 'problem' in replacement
        ? replacement.problem
        : replacement && replacement.domain === domain.domain
          ? `${domain.domain} cannot replace itself. Name another domain after \`for\`.`
          : undefined;
  if (problem || !sessions || 'problem' in domain) {
    await ack({
      response_type: 'ephemeral',
      ...renderUsageError('swap', problem ?? 'Swaps are not available.'),
    });
    return countCommand(deps, 'swap', 'invalid_input');
  }
  await ack();
  try {
    await sessions.swapSession.openFromCommand(command.trigger_id, {
      domain: domain.domain,
      replacement: replacement && 'domain' in replacement ? replacement.domain : undefined,
      premium: parsed.premium,
    });
    countCommand(deps, 'swap', 'form_opened');
  } catch (error) {
    const code = classifySlackError(error).error;
    deps.logger.warn({ code }, 'could not open the swap form');
    countCommand(deps, 'swap', 'slack_error');
    await respond({ response_type: 'ephemeral', ...renderChangeFormOpenFailed('swap', code) }).catch(
      () => undefined,
    );
  }
}

/** `/peeker rename <domain>`: the rename modal, pre-filled with the domain's current personas. */
export async function handleRename(
  { ack, command, respond }: CommandArgs,
  parsed: { domain: string },
  deps: CommandDeps,
): Promise<void> {
  const domain = domainRef(parsed.domain);
  if ('problem' in domain || !deps.changes) {
    await ack({
      response_type: 'ephemeral',
      ...renderUsageError('rename', 'problem' in domain ? domain.problem : 'Renames are not available.'),
    });
    return countCommand(deps, 'rename', 'invalid_input');
  }
  await ack();
  try {
    await deps.changes.renameSession.openFromCommand(command.trigger_id, domain.domain);
    countCommand(deps, 'rename', 'form_opened');
  } catch (error) {
    const code = classifySlackError(error).error;
    deps.logger.warn({ code }, 'could not open the rename form');
    countCommand(deps, 'rename', 'slack_error');
    await respond({ response_type: 'ephemeral', ...renderChangeFormOpenFailed('rename', code) }).catch(
      () => undefined,
    );
  }
}

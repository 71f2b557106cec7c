/**
 * The order form's domains section: a picker of picked and verified names, a free-text list and,
 * for lists too long to type, a file input. A text input holds at most 3,000 characters
 * ({@link LIMITS.textInput}), so pre-filled domains that do not fit are counted and the file is
 * suggested instead.
 */
import type { KnownBlock, PlainTextOption } from '@slack/types';
import { input, withInitial } from './blocks.js';
import { ACTION, BLOCK } from './ids.js';
import { LIMITS } from './limits.js';
import { formatMoney } from './money.js';
import type { InitialValues } from './order-form-initial-values.js';
import type { OrderFormModel } from './order-form-model.js';
import { context, plainText, plural, truncate } from './text.js';

/** The domains section's input blocks (and the "did not fit" note), in form order. */
export function domainInputs(
  model: Pick<OrderFormModel, 'pickedDomains' | 'acceptsFile'>,
  initial: Pick<InitialValues, 'selectable' | 'selectedDomains' | 'domainsText' | 'leftOut'>,
): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const prices = new Map((model.pickedDomains ?? []).map((picked) => [picked.domain, picked]));
  const domainOptions = initial.selectable.map((domain) => domainOption(domain, prices.get(domain)));
  if (domainOptions.length > 0) {
    const chosen = new Set(initial.selectedDomains);
    const initialOptions = domainOptions.filter((option) => chosen.has(option.value ?? ''));
    blocks.push(
      input(
        BLOCK.domainsSelected,
        prices.size > 0 ? 'Domains to order (picked and verified)' : 'Verified domains in this channel',
        {
          type: 'multi_static_select',
          action_id: ACTION.value,
          placeholder: plainText('Choose domains'),
          options: domainOptions,
          // Slack rejects an empty `initial_options`, so leave it out when nothing is chosen.
          ...(initialOptions.length > 0 ? { initial_options: initialOptions } : {}),
        },
        {
          optional: true,
          hint:
            prices.size > 0
              ? 'Available names from your check (Peeker registers them) and this channel’s DNS-verified imports.'
              : 'Imported for this channel and DNS-verified.',
        },
      ),
    );
  }
  blocks.push(
    input(
      BLOCK.domainsText,
      domainOptions.length > 0
        ? 'More domains (one per line, or separated by commas)'
        : 'Domains (one per line, or separated by commas)',
      withInitial(
        {
          type: 'plain_text_input',
          action_id: ACTION.value,
          multiline: true,
          placeholder: plainText('acme-mail.com, team-acme.com'),
        },
        initial.domainsText,
      ),
      {
        optional: true,
        hint: 'Root domains only, such as acme-mail.com (not mail.acme.com). Imported ones are used as they are; any other available name is registered by Peeker.',
      },
    ),
  );
  if (initial.leftOut > 0) {
    blocks.push(
      context(
        `⚠️ ${plural(initial.leftOut, 'more domain')} did not fit in the form (a text box holds ${LIMITS.textInput} characters) — attach them as a file below.`,
      ),
    );
  }
  if (model.acceptsFile) {
    blocks.push(
      input(
        BLOCK.domainsFile,
        'Or a file of domains',
        { type: 'file_input', action_id: ACTION.value, filetypes: ['txt', 'csv'], max_files: 1 },
        {
          optional: true,
          hint: 'A .txt or .csv with one domain per line (or comma-separated): for lists too long to type.',
        },
      ),
    );
  }
  return blocks;
}

function domainOption(
  domain: string,
  picked?: { priceCents: number | null; currency: string | null },
): PlainTextOption {
  const price =
    picked === undefined
      ? ''
      : picked.priceCents === null
        ? ' · to register'
        : ` · to register, ${formatMoney(picked.priceCents, picked.currency)}`;
  return {
    text: plainText(`${truncate(domain, LIMITS.optionText - price.length)}${price}`, LIMITS.optionText),
    value: domain,
  };
}

/** The values the order form's inputs start with: what was typed, else the pre-fill, else defaults. */
import type { PersonaValues } from '../parsing/persona-rows.js';
import { LIMITS } from './limits.js';
import type { OrderFormModel } from './order-form-model.js';

export interface InitialValues {
  customerEmail: string;
  bundleId: string;
  /** Picked, then verified domains that can be options (value ≤ 75 chars, at most 100). */
  selectable: string[];
  selectedDomains: string[];
  /** At most {@link LIMITS.textInput} characters: Slack refuses a longer initial value. */
  domainsText: string;
  /** Pre-filled domains that fit neither the select nor the text box. */
  leftOut: number;
  forwardingUrl: string;
  smartleadClientId: string;
  smartleadEmail: string;
  personas: PersonaValues[];
}

/** `current` (what was typed) wins over `prefill`; with neither, every verified domain is chosen. */
export function initialValues(model: OrderFormModel): InitialValues {
  const selectable: string[] = [];
  const overflow: string[] = [];
  const picked = (model.pickedDomains ?? []).map((entry) => entry.domain);
  for (const domain of new Set([...picked, ...model.verifiedDomains])) {
    // An option value holds at most 75 characters; longer names go to the text field instead.
    if (domain && domain.length <= LIMITS.optionValue && selectable.length < LIMITS.optionsPerSelect) {
      selectable.push(domain);
    } else if (domain) overflow.push(domain);
  }
  const isSelectable = new Set(selectable);

  const { current, prefill } = model;
  if (current) {
    return {
      customerEmail: current.customerEmail,
      bundleId: current.bundleId,
      selectable,
      selectedDomains: current.domainsSelected.filter((d) => isSelectable.has(d)),
      domainsText: current.domainsText,
      leftOut: 0,
      forwardingUrl: current.forwardingUrl,
      smartleadClientId: current.smartleadClientId,
      smartleadEmail: current.smartleadEmail,
      personas: current.personas,
    };
  }
  const domains = prefill?.domains;
  const clientId = prefill?.smartleadClientId;
  const verified = new Set(model.verifiedDomains);
  const typed = fitLines(
    domains ? domains.filter((d) => !isSelectable.has(d)) : overflow.filter((d) => verified.has(d)),
    LIMITS.textInput,
  );
  return {
    customerEmail: prefill?.customerEmail ?? '',
    bundleId: prefill?.bundleId ?? '',
    selectable,
    // Without a pre-fill every verified domain is chosen (picks only when the form opens from them).
    selectedDomains: domains
      ? domains.filter((d) => isSelectable.has(d))
      : selectable.filter((d) => verified.has(d)),
    domainsText: typed.text,
    leftOut: typed.leftOut,
    forwardingUrl: prefill?.forwardingUrl ?? '',
    smartleadClientId:
      typeof clientId === 'number' && Number.isSafeInteger(clientId) && clientId > 0 ? String(clientId) : '',
    smartleadEmail: prefill?.smartleadEmail ?? '',
    personas: prefill?.personas ?? [],
  };
}

/** One name per line, as many as fit in `max` characters; how many did not. */
function fitLines(names: readonly string[], max: number): { text: string; leftOut: number } {
  let text = '';
  let kept = 0;
  for (const name of names) {
    const next = text === '' ? name : `${text}\n${name}`;
    if (next.length > max) break;
    text = next;
    kept += 1;
  }
  return { text, leftOut: names.length - kept };
}

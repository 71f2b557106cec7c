/** The order form's bundle select: its options, within Slack's option limits. */
import type { PlainTextOption } from '@slack/types';
import type { BundleChoice } from '../parsing/order-form-values.js';
import { LIMITS } from './limits.js';
import { plainText, plural, truncate } from './text.js';

/**
 * One option per bundle, at most 100 (Slack's limit). The chosen bundle is kept even when it is
 * past the 100th, so a re-order never loses its bundle. IDs longer than an option value allows
 * cannot round-trip and are left out.
 */
export function bundleSelectOptions(bundles: readonly BundleChoice[], chosenId: string): PlainTextOption[] {
  const seen = new Set<string>();
  const usable = bundles.filter((bundle) => {
    if (!bundle.id || bundle.id.length > LIMITS.optionValue || seen.has(bundle.id)) return false;
    seen.add(bundle.id);
    return true;
  });
  let shown = usable.slice(0, LIMITS.optionsPerSelect);
  const chosen = usable.find((bundle) => bundle.id === chosenId);
  if (chosen && !shown.includes(chosen)) shown = [...shown.slice(0, LIMITS.optionsPerSelect - 1), chosen];
  return shown.map(bundleOption);
}

function bundleOption(bundle: BundleChoice): PlainTextOption {
  const required = bundle.requiredDomains;
  const suffix =
    typeof required === 'number' && Number.isFinite(required) ? ` · ${plural(required, 'domain')}` : '';
  const name = bundle.name.trim() || bundle.id;
  // Cut the name, not the domain count: the count is what people choose by.
  const text = `${truncate(name, Math.max(10, LIMITS.optionText - suffix.length))}${suffix}`;
  return { text: plainText(text, LIMITS.optionText), value: bundle.id };
}

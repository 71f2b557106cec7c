/**
 * The order modal's `view.state.values`, read as typed: unvalidated and untrimmed. Nothing here
 * throws: the payload is whatever Slack (or someone forging a request) sent.
 */
import { BLOCK } from '../views/ids.js';
import { type PersonaValues, readPersonaRows } from './persona-rows.js';
import { readMultiSelected, readSelected, readText } from './view-state.js';

/** A bundle the form offers: Peeker's `id`, its name and `required_domains.total` (null if unknown). */
export interface BundleChoice {
  id: string;
  name: string;
  requiredDomains: number | null;
}

/** Slack's `view.state.values`, loosely typed: only the parts we read, all of them optional. */
export type StateValues = Record<
  string,
  Record<
    string,
    | {
        type?: string;
        value?: string | null;
        selected_option?: { value?: string; text?: { text?: string } } | null;
        selected_options?: { value?: string }[] | null;
      }
    | undefined
  >
>;

/**
 * What the person typed, unvalidated and untrimmed, so the form can be re-rendered with it after
 * "Add persona" / "Remove last persona" without losing anything. Deliberately has no password.
 */
export interface CurrentFormValues {
  customerEmail: string;
  bundleId: string;
  domainsSelected: string[];
  domainsText: string;
  forwardingUrl: string;
  smartleadClientId: string;
  smartleadEmail: string;
  personas: PersonaValues[];
}

/**
 * The raw values of every field the form renders for `personaCount` persona rows. Missing or
 * malformed entries read as '' / []; `personaCount` is clamped to 0–10 so a forged count cannot
 * make us loop.
 */
export function readFormValues(values: unknown, personaCount: number): CurrentFormValues {
  const personas = readPersonaRows(values, personaCount);
  return {
    customerEmail: readText(values, BLOCK.customerEmail),
    bundleId: readSelected(values, BLOCK.bundle),
    domainsSelected: readMultiSelected(values, BLOCK.domainsSelected),
    domainsText: readText(values, BLOCK.domainsText),
    forwardingUrl: readText(values, BLOCK.forwardingUrl),
    smartleadClientId: readText(values, BLOCK.smartleadClientId),
    smartleadEmail: readText(values, BLOCK.smartleadEmail),
    personas,
  };
}

/** What the order form is rendered from: the channel's choices, a pre-fill and what was typed. */
import type { BundleChoice, CurrentFormValues } from '../parsing/order-form-values.js';
import type { PersonaValues } from '../parsing/persona-rows.js';

/**
 * Values to start the form with, e.g. from the original order when "Fix order" re-opens it after
 * `profile_picture_not_accessible`. Deliberately has no password field: it is never pre-filled.
 */
export interface OrderFormPrefill {
  customerEmail?: string;
  bundleId?: string;
  domains?: string[];
  forwardingUrl?: string;
  smartleadClientId?: number;
  smartleadEmail?: string;
  personas?: PersonaValues[];
  /** Shown at the top of the form, e.g. what to fix. Plain text; escaped here. */
  note?: string;
}

/** Everything `renderOrderForm` needs. */
export interface OrderFormModel {
  /** Where the order's status message will be posted. */
  channelId: string;
  bundles: BundleChoice[];
  /** The channel's DNS-verified imports, offered pre-selected. */
  verifiedDomains: string[];
  /**
   * Available names picked from a `check` / `find` answer, offered first (pre-selected when the
   * form opens from that answer), with their first-year price.
   */
  pickedDomains?: { domain: string; priceCents: number | null; currency: string | null }[];
  /** The `check` / `find` answer the picks come from, kept in `private_metadata`. */
  pickSetId?: string;
  /** Offer a domains file (`file_input`, scope `files:read`) for lists too long to type. */
  acceptsFile?: boolean;
  /** False when a default Smartlead login comes from configuration. */
  askSmartleadLogin: boolean;
  personaCount: number;
  prefill?: OrderFormPrefill;
  /** What was already typed (from `readFormValues`); wins over `prefill` when re-rendering. */
  current?: CurrentFormValues;
  sandbox: boolean;
  reorderOf?: string;
}

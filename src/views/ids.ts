/**
 * Every `callback_id`, `action_id` and `block_id` the order flow uses, in one place, so a view and
 * the listener that reads its payload can never drift apart (a renamed block would otherwise
 * silently read as "empty" and `response_action: "errors"` keyed to it would show nowhere).
 */

/** `view_submission` of the order form (validated, then the review is pushed). */
export const ORDER_FORM_CALLBACK = 'order_form';

/** `view_submission` of the review view: the "Place order" button. */
export const ORDER_REVIEW_CALLBACK = 'order_review';

/** Loading, placing, placed, failed and not-allowed views: information only, never submitted. */
export const ORDER_RESULT_CALLBACK = 'order_result';

/** `view_submission` of the cancel confirm view: the one `POST /orders/{id}/cancel`. */
export const CANCEL_CONFIRM_CALLBACK = 'order_cancel_confirm';

/** Loading, sending, result and problem views of a cancellation: information only. */
export const CANCEL_RESULT_CALLBACK = 'order_cancel_result';

/**
 * Block IDs of the order form. Every input block's element uses `action_id` {@link ACTION.value},
 * so the submitted value is always at `view.state.values[BLOCK.x][ACTION.value]`.
 */
export const BLOCK = {
  customerEmail: 'customer_email',
  bundle: 'bundle',
  domainsSelected: 'domains_selected',
  domainsText: 'domains_text',
  forwardingUrl: 'forwarding_url',
  smartleadClientId: 'smartlead_client_id',
  smartleadEmail: 'smartlead_email',
  smartleadPassword: 'smartlead_password',
  personaActions: 'persona_actions',
  /** A `file_input` with a list of domains (a text input holds only 3,000 characters). */
  domainsFile: 'domains_file',
} as const;

/** The available-names picker of a `check` / `find` answer (an actions block in the message). */
export const PICKS_BLOCK = 'domain_picks';

/** The three input fields of one persona row. */
export type PersonaField = 'first' | 'last' | 'picture';

/**
 * Block ID of one persona input (`persona_0_first` …). The index is part of the ID so that Slack
 * keeps what was typed in row i when the view is updated after "Add persona" / "Remove".
 */
export const personaBlock = (index: number, field: PersonaField): string => `persona_${index}_${field}`;

/** Action IDs. Inputs all use `value`; the rest are buttons. */
export const ACTION = {
  value: 'value',
  addPersona: 'persona_add',
  removePersona: 'persona_remove',
  fixOrder: 'order_fix',
  openOrderForm: 'order_open',
  /** The overflow menu on an order's status message (see `views/order-overflow.ts`). */
  orderOverflow: 'order_overflow',
  /** The names picked in a `check` / `find` answer (a multi-select; its changes are only acknowledged). */
  pickDomains: 'picks_select',
  /** "Open the order form" under a `check` / `find` answer. */
  orderPicked: 'picks_order',
} as const;

// ---- swaps and renames ---------------------------------------------------------------------

/** `view_submission` of the swap form ("Check"), of its review ("Swap domain") and of the rename form. */
export const SWAP_FORM_CALLBACK = 'swap_form';
export const SWAP_REVIEW_CALLBACK = 'swap_review';
export const RENAME_FORM_CALLBACK = 'rename_form';
/** Loading, checking, sending and outcome views of swaps and renames: information only. */
export const SWAP_RESULT_CALLBACK = 'swap_result';

/** Input blocks of the swap form (each element uses `action_id` {@link ACTION.value}). */
export const SWAP_BLOCK = {
  domain: 'swap_domain',
  replacement: 'swap_replacement',
  type: 'swap_type',
} as const;

/** Buttons of the swap and rename flows (persona rows of the rename form use {@link personaBlock}). */
export const SWAP_ACTION = {
  /** "Swap this domain" on a `replace_domain` pending action. */
  swapDomain: 'swap_open',
  /** "Import <replacement>" on a swap waiting for its replacement to be imported. */
  importReplacement: 'swap_import_replacement',
  /** "Fix the personas" on a rename stalled on a profile picture. */
  fixRename: 'rename_fix',
  addPersona: 'rename_persona_add',
  removePersona: 'rename_persona_remove',
} as const;

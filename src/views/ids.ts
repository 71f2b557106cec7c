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
} as const;

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
} as const;

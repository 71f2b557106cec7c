/** The fixed texts of the order form: its title, the notes it opens with and its early errors. */

export const ORDER_FORM_TITLE = 'New inbox order';

/** Field errors the form's submission can answer before validating anything else. */
export const FORM_EXPIRED_ERROR = 'This form has expired. Close it and run /peeker order again.';
export const BUNDLES_UNAVAILABLE_ERROR =
  'Could not load the bundles from Peeker just now. Try again in a moment.';

/** The note at the top of a form re-opened to correct an order Peeker flagged. */
export function correctionNote(reason: string | null, personaName: string): string {
  return reason === 'profile_picture_not_accessible'
    ? `${personaName || 'A persona'}’s profile picture was not publicly accessible. Paste a public image URL, re-enter the Smartlead password and place the corrected order.`
    : 'Correct what Peeker flagged, re-enter the Smartlead password and place the corrected order.';
}

/** The note at the top of a form re-opened from a draft lost to a restart. */
export const RESUBMIT_NOTE = 'Re-enter the Smartlead password and place the order again.';

/**
 * The persona rows of the order form and of any form built with {@link personaBlock} inputs (the
 * rename form): reading them from `view.state.values` and validating them, with the same rules,
 * messages and block IDs everywhere. Nothing here throws.
 */
import { personaBlock } from '../views/ids.js';
import { type FailField, truncateError } from './field-errors.js';
import { httpsUrlProblem } from './https-url.js';
import { readText } from './view-state.js';

/** One persona row. `pictureUrl` is '' when none was given (Peeker still requires the key). */
export interface PersonaValues {
  firstName: string;
  lastName: string;
  pictureUrl: string;
}

/** Peeker accepts 1–10 personas per order (https://docs.peeker.ai/orders/create-order). */
export const MIN_PERSONAS = 1;
export const MAX_PERSONAS = 10;
/** Longest first or last name we accept; the inputs carry the same `max_length`. */
export const PERSONA_NAME_MAX = 50;

/**
 * The raw, untrimmed persona rows of a form rendering `personaCount` of them. Missing or malformed
 * entries read as ''; `personaCount` is clamped to 0–10 so a forged count cannot make us loop.
 */
export function readPersonaRows(values: unknown, personaCount: number): PersonaValues[] {
  const personas: PersonaValues[] = [];
  for (let i = 0; i < clampCount(personaCount, 0); i++) {
    personas.push({
      firstName: readText(values, personaBlock(i, 'first')),
      lastName: readText(values, personaBlock(i, 'last')),
      pictureUrl: readText(values, personaBlock(i, 'picture')),
    });
  }
  return personas;
}

/**
 * Checks the rows read by {@link readPersonaRows} for a form of `personaCount` rows, reporting each
 * problem through `fail` under the row's block ID; returns the trimmed rows.
 */
export function checkPersonaRows(
  rows: readonly PersonaValues[],
  personaCount: number,
  fail: FailField,
): PersonaValues[] {
  const personas: PersonaValues[] = [];
  const countOk =
    Number.isInteger(personaCount) && personaCount >= MIN_PERSONAS && personaCount <= MAX_PERSONAS;
  if (!countOk) {
    fail(personaBlock(0, 'first'), `An order needs ${MIN_PERSONAS} to ${MAX_PERSONAS} personas.`);
  } else {
    rows.forEach((persona, i) => {
      const firstName = persona.firstName.trim();
      const lastName = persona.lastName.trim();
      const pictureUrl = persona.pictureUrl.trim();
      const nameProblem = (name: string, which: string) =>
        name === ''
          ? `Enter a ${which} name.`
          : name.length > PERSONA_NAME_MAX
            ? `Keep the ${which} name to ${PERSONA_NAME_MAX} characters or fewer.`
            : undefined;
      const firstProblem = nameProblem(firstName, 'first');
      const lastProblem = nameProblem(lastName, 'last');
      if (firstProblem) fail(personaBlock(i, 'first'), firstProblem);
      if (lastProblem) fail(personaBlock(i, 'last'), lastProblem);
      if (pictureUrl !== '') {
        const problem = httpsUrlProblem(pictureUrl);
        if (problem) {
          fail(personaBlock(i, 'picture'), `${problem} Use a public image URL, or leave it empty.`);
        }
      }
      personas.push({ firstName, lastName, pictureUrl });
    });
  }
  return personas;
}

function clampCount(count: number, min: number): number {
  if (typeof count !== 'number' || !Number.isFinite(count)) return min;
  return Math.min(MAX_PERSONAS, Math.max(min, Math.trunc(count)));
}

// ---- shared with the other persona forms (renames) -------------------------------------

/**
 * The persona rows of any form built with {@link personaBlock} inputs (the rename form), validated
 * exactly as the order form validates its own: the same rules, messages and block IDs.
 */
export function validatePersonaRows(
  values: unknown,
  personaCount: number,
): { ok: true; personas: PersonaValues[] } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const personas = checkPersonaRows(
    readPersonaRows(values, personaCount),
    personaCount,
    (blockId, message) => {
      errors[blockId] ??= truncateError(message);
    },
  );
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, personas };
}

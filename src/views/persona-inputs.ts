import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { MAX_PERSONAS, MIN_PERSONAS, PERSONA_NAME_MAX, type PersonaValues } from '../parsing/persona-rows.js';
import { button, input, withInitial } from './blocks.js';
import { ACTION, personaBlock } from './ids.js';
import { context, cutToLength, plainText } from './text.js';

/**
 * The persona rows of a form (the order form and the rename form): first and last name and a
 * picture URL per row, block IDs from `personaBlock` so `validatePersonaRows` reads them back,
 * then "Add persona" / "Remove last persona" buttons within 1–10 rows.
 */
export function personaInputs(options: {
  count: number;
  personas: readonly (PersonaValues | undefined)[];
  addActionId: string;
  removeActionId: string;
  actionsBlockId: string;
}): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < options.count; i++) {
    const persona = options.personas[i];
    blocks.push(
      context(`*Persona ${i + 1}*`),
      input(
        personaBlock(i, 'first'),
        'First name',
        withInitial(
          { type: 'plain_text_input', action_id: ACTION.value, max_length: PERSONA_NAME_MAX },
          // Slack rejects an initial value longer than max_length.
          cutToLength(persona?.firstName ?? '', PERSONA_NAME_MAX),
        ),
      ),
      input(
        personaBlock(i, 'last'),
        'Last name',
        withInitial(
          { type: 'plain_text_input', action_id: ACTION.value, max_length: PERSONA_NAME_MAX },
          cutToLength(persona?.lastName ?? '', PERSONA_NAME_MAX),
        ),
      ),
      input(
        personaBlock(i, 'picture'),
        'Profile picture URL',
        withInitial(
          {
            type: 'url_text_input',
            action_id: ACTION.value,
            placeholder: plainText('https://cdn.acme.com/alex.jpg'),
          },
          persona?.pictureUrl ?? '',
        ),
        { optional: true, hint: 'A public image URL (https). Peeker must be able to download it.' },
      ),
    );
  }
  const buttons: Button[] = [];
  if (options.count < MAX_PERSONAS) buttons.push(button('Add persona', options.addActionId));
  if (options.count > MIN_PERSONAS) buttons.push(button('Remove last persona', options.removeActionId));
  if (buttons.length > 0) {
    const actions: ActionsBlock = { type: 'actions', block_id: options.actionsBlockId, elements: buttons };
    blocks.push(actions);
  }
  return blocks;
}

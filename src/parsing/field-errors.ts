/**
 * Short field errors for `response_action: "errors"`: plain text (Slack does not render mrkdwn
 * there) and at most {@link ERROR_MAX} characters, so several bad entries fit in one.
 */
import { cutToLength, lastOfLength } from './graphemes.js';

/** Error texts are kept short so they fit under a field without wrapping into a wall. */
export const ERROR_MAX = 150;

/** Records `message` under the input block `blockId` (the first error of a block wins). */
export type FailField = (blockId: string, message: string) => void;

export function truncateError(message: string): string {
  return message.length <= ERROR_MAX ? message : `${cutToLength(message, ERROR_MAX - 1)}…`;
}

/** `prefix a, b, c` keeping as many items as fit in `max`, then `…and N more`. */
export function fitList(prefix: string, items: readonly string[], max: number): string {
  let text = prefix;
  for (let i = 0; i < items.length; i++) {
    const piece = `${i === 0 ? '' : ', '}${items[i]}`;
    const rest = items.length - i - 1;
    const tail = rest > 0 ? `, …and ${rest} more` : '';
    if ((text + piece + tail).length > max && i > 0) return `${text}, …and ${items.length - i} more`;
    text += piece;
  }
  return text;
}

/** Keeps both ends of a long entry (`averyveryl…example.com`): the ending is what people check. */
export function shortenMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${cutToLength(text, head)}…${lastOfLength(text, max - 1 - head)}`;
}

/**
 * Block Kit limits we render against (https://api.slack.com/reference/block-kit/blocks, and `@slack/types`' JSDoc).
 * Views truncate to these instead of letting Slack reject a message with `invalid_blocks`.
 */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  sectionText: 3000,
  headerText: 150,
  plainText: 2000,
  contextElements: 10,
  buttonText: 75,
  optionText: 75,
  optionValue: 75,
  optionsPerSelect: 100,
  modalTitle: 24,
  privateMetadata: 3000,
  /** What a `plain_text_input` holds, typed or as `initial_value` (its `max_length` is at most 3000). */
  textInput: 3000,
  /** Message `text` fallback: Slack truncates past 40,000; notifications show far less. */
  messageText: 3000,
  /**
   * Block text of one message in all. Slack documents no total but refuses messages with
   * `msg_blocks_too_long` at roughly 11,000–13,000 characters
   * (https://github.com/slackapi/bolt-js/issues/2509, /2867): every message stays well under.
   */
  messageBlockText: 10_000,
} as const;

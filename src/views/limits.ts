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
  /** Message `text` fallback: Slack truncates past 40,000; notifications show far less. */
  messageText: 3000,
} as const;

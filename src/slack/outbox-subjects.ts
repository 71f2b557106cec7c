import type { OutboxMessage, ReplyPayload, SubjectType } from '../store/slack-outbox-repo.js';
import type { RenderedMessage } from '../views/blocks.js';
import type { SlackFailure } from './slack-errors.js';

/**
 * How the publisher handles the parent messages of one subject type. The table of every type is
 * built in `services/outbox-subjects.ts`, so "this subject's parent is stale" leads to "this is
 * how its parent looks" in one step.
 */
export interface SubjectHandlers {
  /** The parent message rendered from the subject's current state (undefined: nothing to show). */
  render(subjectId: string, now: number): RenderedMessage | undefined;
  /**
   * Replies that share a `group` and wait in the same thread are posted as one message, joined by
   * the group's combiner (a burst of `domain.connected` events becomes one reply).
   */
  combineReplies?: Partial<Record<string, (lines: string[]) => ReplyPayload>>;
  /** A post that can never land (bot not in the channel…): tell the person who asked for it. */
  onPostFailed?(message: OutboxMessage, failure: SlackFailure): Promise<void>;
}

export type SubjectTable = Record<SubjectType, SubjectHandlers>;

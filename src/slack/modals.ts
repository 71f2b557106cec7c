import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { classifySlackError } from './slack-errors.js';

/** The modal Slack opened: its ID and the hash that guards the next update. */
export interface OpenedModal {
  id: string;
  hash: string | undefined;
}

/**
 * `views.open` and `views.update` for the flows' modals. An open must happen within 3 s of the
 * trigger (https://api.slack.com/surfaces/modals#opening); an update may fail harmlessly when the
 * person closed the modal or changed it meanwhile (`hash_conflict`), so it reports instead of
 * throwing.
 */
export function createModals(client: WebClient, logger: Logger) {
  return {
    /** Opens a modal; throws Slack's error (the caller tells the person, e.g. `expired_trigger_id`). */
    async open(triggerId: string, view: ModalView): Promise<OpenedModal | undefined> {
      const opened = await client.views.open({ trigger_id: triggerId, view });
      return opened.view?.id ? { id: opened.view.id, hash: opened.view.hash } : undefined;
    },
    /**
     * Opens `loading` at once (the trigger expires 3 s after the click), then replaces it with what
     * `load` builds — or with `onError(error)` when that fails. Throws Slack's error when the modal
     * cannot be opened at all (the caller tells the person).
     */
    async openThenFill(
      triggerId: string,
      loading: ModalView,
      load: () => Promise<ModalView>,
      onError: (error: unknown) => ModalView,
    ): Promise<void> {
      const opened = await this.open(triggerId, loading);
      if (!opened) return;
      let view: ModalView;
      try {
        view = await load();
      } catch (error) {
        view = onError(error);
      }
      await this.update(opened.id, view, opened.hash);
    },
    /** Replaces a modal's content; false (logged) when Slack refused. */
    async update(viewId: string, view: ModalView, hash?: string): Promise<boolean> {
      try {
        await client.views.update({ view_id: viewId, view, ...(hash ? { hash } : {}) });
        return true;
      } catch (error) {
        logger.info({ viewId, error: classifySlackError(error).error }, 'could not update a modal');
        return false;
      }
    },
  };
}

export type Modals = ReturnType<typeof createModals>;

import type { App } from '@slack/bolt';
import type { InteractionDeps } from './context.js';

/**
 * Publishes the person's board on the App Home tab whenever they open it; from then on it is
 * republished when one of their items changes (see `slack/home-publisher.ts`).
 */
export function registerHome(app: App, deps: InteractionDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home' || !deps.home) return;
    await deps.home.opened(event.user).catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'could not publish the Home tab');
    });
  });
}

import type { App } from '@slack/bolt';
import { classifySlackError } from '../slack/slack-errors.js';
import { renderHome } from '../views/home.js';
import type { InteractionDeps } from './context.js';

/** Publishes the App Home tab whenever someone opens it. */
export function registerHome(app: App, deps: InteractionDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const imports = deps.imports.recent(10).map((record) => ({
      domains: deps.imports.domainsOf(record.id).map((domain) => domain.domain),
      phase: record.phase,
      channelId: record.channelId,
      submittedAt: record.submittedAt,
    }));
    const orders = deps.orders.recent(10).map((order) => ({
      customerEmail: order.customerEmail,
      status: order.status,
      connected: deps.orders.connectedCount(order.id),
      total: order.domainCount,
      channelId: order.channelId,
      createdAt: order.createdAt,
    }));
    try {
      await client.views.publish({
        user_id: event.user,
        view: renderHome({ sandbox: deps.isSandbox(), now: deps.now(), imports, orders }),
      });
    } catch (error) {
      deps.logger.warn({ error: classifySlackError(error).error }, 'could not publish the Home tab');
    }
  });
}

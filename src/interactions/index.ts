import type { App } from '@slack/bolt';
import { registerChannelShared } from './channel-shared.js';
import type { InteractionDeps } from './context.js';
import { registerDomainPicks } from './domain-picks.js';
import { registerHome } from './home.js';
import { registerOrderCancel } from './order-cancel.js';
import { registerOrderFixes } from './order-fixes.js';
import { registerOrderForm } from './order-form.js';
import { registerOrderOverflow } from './order-overflow.js';
import { registerSwaps } from './swaps.js';

export type { InteractionDeps } from './context.js';

/** Registers every modal, button and event listener. */
export function register(app: App, deps: InteractionDeps): void {
  registerOrderForm(app, deps);
  registerOrderFixes(app, deps);
  registerHome(app, deps);
  registerOrderCancel(app, deps);
  registerOrderOverflow(app, deps);
  registerDomainPicks(app, deps);
  registerSwaps(app, deps);
  registerChannelShared(app, deps);
}

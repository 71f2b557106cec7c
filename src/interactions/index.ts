import type { App } from '@slack/bolt';
import type { InteractionDeps } from './context.js';
import { registerHome } from './home.js';
import { registerOrderFixes } from './order-fixes.js';
import { registerOrderForm } from './order-form.js';

export type { InteractionDeps } from './context.js';

/** Registers every modal, button and event listener. */
export function register(app: App, deps: InteractionDeps): void {
  registerOrderForm(app, deps);
  registerOrderFixes(app, deps);
  registerHome(app, deps);
}

import type { PeekerApp } from '../../src/app.js';

/**
 * Waits until `app`'s commands, webhook events and Slack outbox have nothing left to do now (or
 * `timeoutMs` passed).
 */
export async function settleApp(app: PeekerApp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await app.runner.idle();
    await app.webhooks.drainNow();
    await app.publisher.drain();
    // Edits are spaced (≤1/s per message), so some work becomes due only a moment later.
    if (app.outboxDepth() === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { initialSchema } from './001-initial-schema.js';
import { ordersSchema } from './002-orders.js';
import { storageProbe } from './003-storage-probe.js';
import { buyingAndCancelling } from './004-buying-and-cancelling.js';
import { forwardingAndSwaps } from './005-forwarding-and-swaps.js';
import { dnsInsight } from './006-dns-insight.js';
import { followUp } from './007-follow-up.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Numbered, append-only. Never edit a migration that has shipped; add the next number instead.
 * Applied in version order, whatever the order of this list.
 */
export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  ordersSchema,
  storageProbe,
  buyingAndCancelling,
  forwardingAndSwaps,
  dnsInsight,
  followUp,
].sort((a, b) => a.version - b.version);
for (const [index, migration] of MIGRATIONS.entries()) {
  if (migration.version !== index + 1) {
    throw new Error(
      `Migrations must be numbered 1, 2, 3… without gaps (found ${migration.version} at ${index + 1})`,
    );
  }
}

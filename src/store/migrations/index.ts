import { initialSchema } from './001-initial-schema.js';
import { ordersSchema } from './002-orders.js';
import { storageProbe } from './003-storage-probe.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered, append-only. Never edit a migration that has shipped; add the next number instead. */
export const MIGRATIONS: readonly Migration[] = [initialSchema, ordersSchema, storageProbe];

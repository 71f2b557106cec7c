import type { Migration } from './index.js';

/** One row `/healthz` rewrites to prove the database still takes writes (see storage-health.ts). */
export const storageProbe: Migration = {
  version: 3,
  name: 'storage probe',
  sql: `
CREATE TABLE storage_probe (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at INTEGER NOT NULL
) STRICT;
CREATE TABLE storage_probe_space (
  filler BLOB NOT NULL
) STRICT;
`,
};

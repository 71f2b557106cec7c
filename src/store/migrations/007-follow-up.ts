import type { Migration } from './index.js';

/**
 * Following up without being asked:
 * - `channel_follow_up`: `/peeker nudges off|on` per channel (no row = on);
 * - `import_nudges`: how many reminders an import waiting on the registrar has had and when the
 *   last one went out, written in the same transaction as the reply it queues, so a restart never
 *   sends a reminder twice (and, while every domain already points at Peeker, when to look again);
 * - `digest_slots`: each `DIGEST_CRON` slot once decided (a digest queued, or nothing to say), so a
 *   slot is never sent twice and a missed one is caught up at start-up;
 * - `home_boards`: who opened the App Home tab, and the signature of what they were last shown, so
 *   the board is published again only when one of their items changed.
 * Plus indexes for the per-person board and the digest's stuck orders.
 */
export const followUp: Migration = {
  version: 7,
  name: 'nudges, digest and home boards',
  sql: `
CREATE TABLE channel_follow_up (
  channel_id  TEXT    PRIMARY KEY,
  nudges      INTEGER NOT NULL CHECK (nudges IN (0, 1)),
  changed_by  TEXT    NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE import_nudges (
  import_id      TEXT    PRIMARY KEY REFERENCES imports (id) ON DELETE CASCADE,
  sent           INTEGER NOT NULL DEFAULT 0 CHECK (sent >= 0),
  last_sent_at   INTEGER,
  snoozed_until  INTEGER
) STRICT;

CREATE TABLE digest_slots (
  slot_at     INTEGER PRIMARY KEY,
  channel_id  TEXT    NOT NULL,
  outcome     TEXT    NOT NULL CHECK (outcome IN ('queued', 'nothing')),
  items       INTEGER NOT NULL,
  decided_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE home_boards (
  user_id       TEXT    PRIMARY KEY,
  opened_at     INTEGER NOT NULL,
  published_at  INTEGER,
  signature     TEXT
) STRICT;
CREATE INDEX home_boards_opened ON home_boards (opened_at);

CREATE INDEX imports_by_requester ON imports (requested_by, submitted_at);
CREATE INDEX orders_by_placer ON orders (placed_by, created_at);
CREATE INDEX orders_in_progress ON orders (created_at) WHERE status = 'in_progress';
CREATE INDEX order_actions_open_by_created ON order_actions (created_at) WHERE status = 'open';
`,
};

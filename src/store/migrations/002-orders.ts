import type { Migration } from './index.js';

/**
 * Orders and their status threads: drafts between the form and "Place order" (never the
 * Smartlead password), placed orders, their domains and pending actions, and a small durable
 * task queue for follow-up calls to Peeker that events trigger.
 */
export const ordersSchema: Migration = {
  version: 2,
  name: 'orders',
  sql: `
CREATE TABLE order_drafts (
  id            TEXT    PRIMARY KEY,
  user_id       TEXT    NOT NULL,
  channel_id    TEXT    NOT NULL,
  request       TEXT    NOT NULL,
  bundle_name   TEXT,
  reorder_of    TEXT,
  status        TEXT    NOT NULL CHECK (status IN ('ready', 'submitting', 'placed', 'failed')),
  view_id       TEXT,
  order_id      TEXT,
  error         TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX order_drafts_submitting ON order_drafts (updated_at) WHERE status = 'submitting';

CREATE TABLE orders (
  id                 TEXT    PRIMARY KEY,
  draft_id           TEXT    UNIQUE REFERENCES order_drafts (id),
  channel_id         TEXT    NOT NULL,
  audience           TEXT    NOT NULL CHECK (audience IN ('ops', 'customer')),
  placed_by          TEXT    NOT NULL,
  customer_email     TEXT    NOT NULL,
  bundle_id          TEXT    NOT NULL,
  bundle_name        TEXT,
  domain_count       INTEGER NOT NULL,
  status             TEXT    NOT NULL,
  status_changed_at  TEXT,
  total_cents        INTEGER,
  currency           TEXT,
  sandbox            INTEGER NOT NULL DEFAULT 0,
  request            TEXT    NOT NULL,
  failure_reason     TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  last_event_at      INTEGER,
  next_reconcile_at  INTEGER
) STRICT;
CREATE INDEX orders_reconcile ON orders (next_reconcile_at) WHERE next_reconcile_at IS NOT NULL;

CREATE TABLE order_domains (
  order_id     TEXT    NOT NULL REFERENCES orders (id),
  domain       TEXT    NOT NULL,
  position     INTEGER NOT NULL,
  state        TEXT    NOT NULL CHECK (state IN ('pending', 'connected')),
  provider     TEXT,
  connected_at INTEGER,
  PRIMARY KEY (order_id, domain)
) STRICT, WITHOUT ROWID;

CREATE TABLE order_actions (
  id          TEXT    PRIMARY KEY,
  order_id    TEXT    NOT NULL REFERENCES orders (id),
  type        TEXT,
  reason      TEXT,
  status      TEXT    NOT NULL,
  domain      TEXT,
  persona     TEXT,
  message     TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX order_actions_open ON order_actions (order_id) WHERE status = 'open';

CREATE TABLE tasks (
  id          INTEGER PRIMARY KEY,
  kind        TEXT    NOT NULL,
  subject_id  TEXT    NOT NULL,
  dedupe_key  TEXT    NOT NULL UNIQUE,
  due_at      INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  last_error  TEXT,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX tasks_due ON tasks (due_at) WHERE status = 'pending';
`,
};

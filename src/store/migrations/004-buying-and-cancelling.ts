import type { Migration } from './index.js';

/**
 * Buying domains and cancelling orders:
 * - `domain_pick_sets`: the available names a `/peeker check` or `/peeker find` answer offered,
 *   so its "Open the order form" button carries an ID instead of a list (a button value holds
 *   2,000 characters; 100 names do not fit), with their prices for the form's options;
 * - `order_cancellations`: each cancellation asked for from Slack, from the confirm view until
 *   Peeker's answer. It is claimed before `POST /orders/{id}/cancel`, so a double click, a Slack
 *   retry or a restart cannot send a second one;
 * - `order_domain_cancellations`: which domains of a followed order are scheduled to stop or are
 *   cancelled (from the answer, `order.cancel_scheduled` / `order.cancelled`), only ever forward.
 */
export const buyingAndCancelling: Migration = {
  version: 4,
  name: 'buying domains and cancelling orders',
  sql: `
CREATE TABLE domain_pick_sets (
  id          TEXT    PRIMARY KEY,
  user_id     TEXT    NOT NULL,
  channel_id  TEXT    NOT NULL,
  source      TEXT    NOT NULL CHECK (source IN ('check', 'find')),
  domains     TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX domain_pick_sets_age ON domain_pick_sets (created_at);

CREATE TABLE order_cancellations (
  id                TEXT    PRIMARY KEY,
  order_id          TEXT    NOT NULL,
  scope             TEXT    NOT NULL CHECK (scope IN ('order', 'domains')),
  domains           TEXT    NOT NULL,
  customer_email    TEXT,
  requested_by      TEXT    NOT NULL,
  origin_channel_id TEXT,
  status            TEXT    NOT NULL
    CHECK (status IN ('ready', 'submitting', 'unknown', 'scheduled', 'failed')),
  view_id           TEXT,
  cancels_at        TEXT,
  scheduled_at      TEXT,
  error_code        TEXT,
  request_id        TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX order_cancellations_by_order ON order_cancellations (order_id, status);

CREATE TABLE order_domain_cancellations (
  order_id    TEXT    NOT NULL,
  domain      TEXT    NOT NULL,
  state       TEXT    NOT NULL CHECK (state IN ('scheduled', 'cancelled')),
  cancels_at  TEXT,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (order_id, domain)
) STRICT, WITHOUT ROWID;
`,
};

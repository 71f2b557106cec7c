import type { Migration } from './index.js';

/**
 * Changing live domains:
 * - `live_domains`: what the app knows of each domain on an order — its `dom_` ID and provider
 *   (from `domain.connected` and `GET /domains`), its forwarding URL, and whether a swap retired it;
 * - `forwarding_requests` / `forwarding_batches` / `forwarding_domains`: one `/peeker forward`, its
 *   jobs of ≤25 domains (`fwj_…`, recorded as soon as Peeker accepts one) and each domain's outcome;
 * - `swap_requests`: a swap or a rename asked for from Slack, claimed before `POST /swaps` (or
 *   `POST /swaps/user_names`) so a double click, a retry or a restart cannot send a second one;
 * - `swap_rows`: the swaps Peeker answered (`swp_…`; a rename has one per inbox), each following
 *   `swap.*` events and polling through one state machine.
 */
export const forwardingAndSwaps: Migration = {
  version: 5,
  name: 'forwarding, swaps and renames',
  sql: `
CREATE TABLE live_domains (
  domain                 TEXT    PRIMARY KEY,
  domain_id              TEXT,
  order_id               TEXT,
  provider               TEXT,
  state                  TEXT    NOT NULL CHECK (state IN ('connected', 'warm', 'retired')),
  forwarding_url         TEXT,
  forwarding_changed_at  INTEGER,
  warm_until             TEXT,
  updated_at             INTEGER NOT NULL
) STRICT;
CREATE INDEX live_domains_by_order ON live_domains (order_id);
CREATE INDEX live_domains_by_id ON live_domains (domain_id);

CREATE TABLE forwarding_requests (
  id            INTEGER PRIMARY KEY,
  command_id    INTEGER UNIQUE,
  channel_id    TEXT    NOT NULL,
  audience      TEXT    NOT NULL CHECK (audience IN ('ops', 'customer')),
  requested_by  TEXT    NOT NULL,
  url           TEXT    NOT NULL,
  sandbox       INTEGER NOT NULL DEFAULT 0,
  status        TEXT    NOT NULL CHECK (status IN ('running', 'finished')),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  finished_at   INTEGER
) STRICT;

CREATE TABLE forwarding_batches (
  request_id       INTEGER NOT NULL REFERENCES forwarding_requests (id),
  batch            INTEGER NOT NULL,
  job_id           TEXT    UNIQUE,
  status           TEXT    NOT NULL
    CHECK (status IN ('unsent', 'in_progress', 'completed', 'partial_success', 'failed', 'rejected')),
  error            TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  checks           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  finished_at      INTEGER,
  PRIMARY KEY (request_id, batch)
) STRICT;
CREATE INDEX forwarding_batches_due ON forwarding_batches (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX forwarding_batches_finished ON forwarding_batches (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE forwarding_domains (
  request_id  INTEGER NOT NULL REFERENCES forwarding_requests (id),
  domain      TEXT    NOT NULL,
  batch       INTEGER NOT NULL,
  position    INTEGER NOT NULL,
  order_id    TEXT,
  state       TEXT    NOT NULL CHECK (state IN ('pending', 'completed', 'failed')),
  reason      TEXT,
  PRIMARY KEY (request_id, domain)
) STRICT, WITHOUT ROWID;
CREATE INDEX forwarding_domains_pending ON forwarding_domains (domain) WHERE state = 'pending';

CREATE TABLE swap_requests (
  id            INTEGER PRIMARY KEY,
  kind          TEXT    NOT NULL CHECK (kind IN ('swap', 'rename')),
  type          TEXT    NOT NULL CHECK (type IN ('standard', 'premium', 'user_names')),
  domain        TEXT    NOT NULL,
  domain_id     TEXT    NOT NULL,
  order_id      TEXT,
  replacement   TEXT,
  personas      TEXT,
  requested_by  TEXT    NOT NULL,
  view_id       TEXT,
  state         TEXT    NOT NULL CHECK (state IN ('submitting', 'submitted', 'rejected')),
  error         TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  row_count     INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  finished_at   INTEGER
) STRICT;
CREATE UNIQUE INDEX swap_requests_one_in_flight ON swap_requests (domain_id, kind) WHERE state = 'submitting';
CREATE INDEX swap_requests_by_domain ON swap_requests (domain, created_at);
CREATE INDEX swap_requests_by_view ON swap_requests (view_id) WHERE view_id IS NOT NULL;

CREATE TABLE swap_rows (
  id             TEXT    PRIMARY KEY,
  request_id     INTEGER REFERENCES swap_requests (id),
  type           TEXT    NOT NULL,
  domain         TEXT    NOT NULL,
  domain_id      TEXT    NOT NULL,
  order_id       TEXT,
  replacement    TEXT,
  status         TEXT    NOT NULL,
  status_at      TEXT,
  reason         TEXT,
  warm_until     TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  finished_at    INTEGER,
  next_check_at  INTEGER
) STRICT;
CREATE INDEX swap_rows_by_request ON swap_rows (request_id);
CREATE INDEX swap_rows_due ON swap_rows (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX swap_rows_finished ON swap_rows (finished_at) WHERE finished_at IS NOT NULL;
`,
};

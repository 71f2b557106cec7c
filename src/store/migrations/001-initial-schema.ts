import type { Migration } from './index.js';

/** Imports, their domains, acknowledged commands, webhook events and the Slack outbox. */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE commands (
  id                INTEGER PRIMARY KEY,
  dedupe_key        TEXT    NOT NULL UNIQUE,
  kind              TEXT    NOT NULL,
  user_id           TEXT    NOT NULL,
  team_id           TEXT,
  origin_channel_id TEXT    NOT NULL,
  response_url      TEXT,
  args              TEXT    NOT NULL,
  status            TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  outcome           TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX commands_pending ON commands (created_at) WHERE status = 'pending';

CREATE TABLE imports (
  id                   TEXT    PRIMARY KEY,
  kind                 TEXT    NOT NULL CHECK (kind IN ('sync', 'job')),
  command_id           INTEGER REFERENCES commands (id),
  batch                INTEGER,
  channel_id           TEXT    NOT NULL,
  requested_by         TEXT    NOT NULL,
  phase                TEXT    NOT NULL
    CHECK (phase IN ('preparing', 'awaiting_dns', 'waiting_on_registrar', 'verified', 'failed')),
  peeker_status        TEXT    NOT NULL,
  nameserver_groups    TEXT    NOT NULL DEFAULT '[]',
  handoff_completed_at TEXT,
  failure_reason       TEXT,
  submitted_at         INTEGER NOT NULL,
  nameservers_at       INTEGER,
  waiting_since        INTEGER,
  finished_at          INTEGER,
  updated_at           INTEGER NOT NULL,
  next_check_at        INTEGER,
  last_checked_at      INTEGER,
  check_failures       INTEGER NOT NULL DEFAULT 0,
  UNIQUE (command_id, batch)
) STRICT;
CREATE INDEX imports_due ON imports (next_check_at) WHERE next_check_at IS NOT NULL;

CREATE TABLE import_domains (
  import_id      TEXT    NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  domain         TEXT    NOT NULL,
  position       INTEGER NOT NULL,
  state          TEXT    NOT NULL CHECK (state IN ('pending', 'verified', 'failed')),
  failure_reason TEXT,
  PRIMARY KEY (import_id, domain)
) STRICT, WITHOUT ROWID;
CREATE INDEX import_domains_by_domain ON import_domains (domain);

CREATE TABLE webhook_events (
  event_id         TEXT    PRIMARY KEY,
  type             TEXT    NOT NULL,
  payload          TEXT    NOT NULL,
  event_created_at TEXT,
  received_at      INTEGER NOT NULL,
  status           TEXT    NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'applied', 'ignored', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL DEFAULT 0,
  outcome          TEXT,
  applied_at       INTEGER
) STRICT;
CREATE INDEX webhook_events_pending ON webhook_events (next_attempt_at, received_at) WHERE status = 'pending';

CREATE TABLE slack_messages (
  id              INTEGER PRIMARY KEY,
  subject_type    TEXT    NOT NULL,
  subject_id      TEXT    NOT NULL,
  channel_id      TEXT    NOT NULL,
  ts              TEXT,
  state           TEXT    NOT NULL CHECK (state IN ('to_post', 'posting', 'posted', 'failed')),
  content_version INTEGER NOT NULL DEFAULT 1,
  sent_version    INTEGER NOT NULL DEFAULT 0,
  content_hash    TEXT,
  last_edit_at    INTEGER,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  posting_since   INTEGER,
  created_at      INTEGER NOT NULL,
  UNIQUE (subject_type, subject_id)
) STRICT;
CREATE INDEX slack_messages_work ON slack_messages (next_attempt_at)
  WHERE state IN ('to_post', 'posting') OR (state = 'posted' AND content_version > sent_version);

CREATE TABLE slack_replies (
  id              INTEGER PRIMARY KEY,
  message_id      INTEGER NOT NULL REFERENCES slack_messages (id),
  dedupe_key      TEXT    NOT NULL UNIQUE,
  payload         TEXT    NOT NULL,
  state           TEXT    NOT NULL CHECK (state IN ('to_post', 'posting', 'posted', 'failed')),
  ts              TEXT,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  posting_since   INTEGER,
  created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX slack_replies_work ON slack_replies (message_id, id) WHERE state IN ('to_post', 'posting');
`,
};

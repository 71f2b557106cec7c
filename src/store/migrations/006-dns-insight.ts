import type { Migration } from './index.js';

/**
 * DNS insight: what the app's own lookups found for each domain of an import waiting
 * on the registrar, when each waiting import is next looked at, and the weekly health watch of
 * connected domains with the problems already reported in the order's thread.
 */
export const dnsInsight: Migration = {
  version: 6,
  name: 'dns insight',
  sql: `
CREATE TABLE import_dns (
  import_id       TEXT    PRIMARY KEY REFERENCES imports (id) ON DELETE CASCADE,
  next_check_at   INTEGER NOT NULL,
  last_checked_at INTEGER NOT NULL,
  all_pointing    INTEGER NOT NULL DEFAULT 0 CHECK (all_pointing IN (0, 1))
) STRICT;

CREATE TABLE import_domain_dns (
  import_id   TEXT    NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  domain      TEXT    NOT NULL,
  state       TEXT    NOT NULL
    CHECK (state IN ('pointing', 'elsewhere', 'other_cloudflare', 'not_found', 'unknown')),
  nameservers TEXT    NOT NULL DEFAULT '[]',
  registrar   TEXT,
  last_error  TEXT,
  checked_at  INTEGER NOT NULL,
  changed_at  INTEGER NOT NULL,
  PRIMARY KEY (import_id, domain)
) STRICT, WITHOUT ROWID;

CREATE INDEX imports_waiting_on_dns ON imports (submitted_at)
  WHERE phase IN ('awaiting_dns', 'waiting_on_registrar');

CREATE TABLE domain_health (
  order_id        TEXT    NOT NULL REFERENCES orders (id),
  domain          TEXT    NOT NULL,
  next_check_at   INTEGER NOT NULL,
  last_checked_at INTEGER,
  reported        TEXT    NOT NULL DEFAULT '[]',
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (order_id, domain)
) STRICT, WITHOUT ROWID;
CREATE INDEX domain_health_due ON domain_health (next_check_at);
`,
};

/**
 * In-process fake of the Peeker Partner API (NEW doc generation, seed guide shapes) for
 * integration tests, plus helpers that play Peeker delivering signed webhooks to the app.
 *
 * Point the app at it with `PEEKER_API_URL = fake.url` and `PEEKER_API_KEY = 'pk_test_fake'`.
 * Shapes follow seeds/000_75a52c503556085d.txt and peeker-api.md §2–§4.
 */

import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeLocal, listenLocal } from './local-server.js';
import { pollUntil, type Truthy } from './poll-until.js';

// ---- public types ---------------------------------------------------------------------------

/** One recorded request. `path` is relative to the base URL, without the query string. */
export interface PeekerRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
  headers: IncomingHttpHeaders;
  at: number;
  requestId: string;
  /** HTTP status answered (unset while in flight or when the connection was dropped). */
  status?: number;
  /** Set when a scripted failure answered the request. */
  failed?: boolean;
}

/** Which requests a scripted failure or latency applies to. `path` strings match exactly. */
export interface PeekerMatch {
  method?: string;
  path?: string | RegExp;
}

/**
 * A scripted failure for {@link FakePeeker.failNext}. With `status` or `code` the fake answers
 * Peeker's error envelope (status defaults to 400; 429 defaults to code `rate_limited` and
 * `details.retry_after_seconds: 1`). `rawBody` sends that text as-is with `status` (default 200).
 * `dropConnection` destroys the socket without answering. `delayMs` alone delays a normal answer.
 */
export interface PeekerFailure {
  status?: number;
  code?: string;
  message?: string;
  field?: string | null;
  details?: Record<string, unknown>;
  delayMs?: number;
  rawBody?: string;
  dropConnection?: boolean;
  times?: number;
}

export type ImportStatus = 'in_progress' | 'completed' | 'failed' | 'action_required';

export interface NameserverGroup {
  nameserver_one: string;
  nameserver_two: string;
  domains: string[];
}

export interface FailedImportRow {
  domain: string;
  reason: string;
}

/** A synchronous import (`imp_…`) or an async import job (`imj_…`). */
export interface ImportObject {
  id: string;
  status: ImportStatus;
  submitted_count: number;
  completed_count: number;
  failed_count: number;
  nameserver_groups: NameserverGroup[];
  failed: FailedImportRow[];
  created_at: string;
  completed_at: string | null;
}

/** How new imports behave; see {@link FakePeeker.importBehaviour}. */
export interface ImportBehaviour {
  /** Status of a new synchronous import (default `completed`). Jobs always start `in_progress`. */
  initialStatus?: 'completed' | 'in_progress';
  /** Split accepted domains into nameserver groups of this size (default: one group). */
  groupSize?: number;
  /** Domain → failure reason; those domains become `failed` rows. */
  failDomains?: Record<string, string>;
}

export interface PeekerBundle {
  id: string;
  name: string;
  monthly_sending_volume: number;
  google_percent: number | null;
  microsoft_percent: number | null;
  send_on_weekends: boolean;
  google_inboxes_per_domain: 2 | 3;
  status: 'active' | 'archived' | 'deleted';
  effective: { google_percent: number; microsoft_percent: number };
  required_domains: { google: number; microsoft: number; total: number };
  created_at: string;
}

export interface Persona {
  first_name: string;
  last_name: string;
  profile_picture_url: string | null;
}

/** The `POST /orders` body as Peeker received it (validated). */
export interface PeekerOrderBody {
  user: string;
  bundle_id: string;
  sequencer: {
    provider: string;
    client_id?: number | string | null;
    login_email: string;
    login_password: string;
  };
  forwarding_url?: string;
  domains: Array<string | { domain: string; forwarding_url?: string }>;
  personas: Persona[];
  [key: string]: unknown;
}

export type OrderStatus =
  | 'in_progress'
  | 'completed'
  | 'failed'
  | 'action_required'
  | 'cancel_scheduled'
  | 'cancelled';

export interface OrderLineItem {
  type: string;
  quantity: number;
  amount_cents: number;
}

/** The full order (`GET /orders/{id}`); `POST /orders` answers the lean receipt subset. */
export interface PeekerOrder {
  id: string;
  user_id: string;
  email: string;
  bundle_id: string;
  status: OrderStatus;
  domain_count: number;
  costs: { total_cents: number; currency: string; line_items: OrderLineItem[] };
  domains: { registered: string[]; imported: string[] };
  personas: Persona[];
  forwarding_url: string | null;
  connected_count: number;
  renews_at: string;
  created_at: string;
}

/** The lean order receipt `POST /orders` returns. */
export interface OrderReceipt {
  id: string;
  user_id: string;
  email: string;
  bundle_id: string;
  status: OrderStatus;
  domain_count: number;
  costs: { total_cents: number; currency: string };
  renews_at: string;
  created_at: string;
}

/** A `GET /orders/pending` row (peeker-api.md §3.6). */
export interface PendingAction {
  id: string;
  type: string;
  reason: string;
  status: 'open' | 'resolved';
  domain_id: string | null;
  domain: string | null;
  user: Persona;
  message: string;
  created_at: string;
}

/** Constructor options of {@link FakePeeker}. */
export interface FakePeekerOptions {
  apiKey?: string;
  environment?: 'test' | 'live';
  importBehaviour?: ImportBehaviour;
}

/** A webhook envelope (peeker-api.md §4, NEW flat shape). */
export interface WebhookEvent<T = unknown> {
  id: string;
  type: string;
  created_at: string;
  data: T;
}

/** `domain.connected` data, as in the seed guide. */
export interface DomainConnectedData {
  id: string;
  domain: string;
  category: string;
  status: string;
  provider: 'google' | 'microsoft';
  user_id: string;
  order_id: string;
  usable_for: string[];
  forwarding_url: string | null;
  created_at: string;
}

/** The value a `waitFor` predicate resolved with, without the falsy members of its type. */

// ---- constants ------------------------------------------------------------------------------

const BASE_PATH = '/partner/v1';
const PARTNER = { id: 'org_01HZX0OG1A2B3C4D5E6F7G8H', name: 'Acme Resellers' };
const PRICE_PER_DOMAIN_CENTS = 3400;
const ORDER_DEDUPE_MS = 24 * 60 * 60 * 1000;
const SYNC_IMPORT_MAX = 25;
const JOB_IMPORT_MAX = 500;
const MAX_PERSONAS = 10;

/** Nameserver pairs handed out per group; the first is the seed guide's helena/idris. */
const NAMESERVER_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['helena', 'idris'],
  ['amir', 'bella'],
  ['carter', 'dina'],
  ['elliot', 'fatima'],
  ['gary', 'hana'],
  ['ivan', 'june'],
  ['kyle', 'lara'],
  ['miles', 'nora'],
];

// Two-label public suffixes, enough to tell acme.co.uk (root) from mail.acme.com (not root).
const TWO_LABEL_SUFFIXES = new Set([
  'co.uk',
  'org.uk',
  'me.uk',
  'ac.uk',
  'gov.uk',
  'ltd.uk',
  'plc.uk',
  'com.au',
  'net.au',
  'org.au',
  'co.nz',
  'org.nz',
  'co.jp',
  'com.br',
  'co.za',
  'co.in',
  'com.mx',
  'com.sg',
  'com.tr',
  'co.il',
  'com.cn',
  'com.hk',
  'co.kr',
]);

/** Ids of the bundles every fresh fake (and every {@link FakePeeker.reset}) starts with. */
export const FAKE_BUNDLE_IDS = {
  /** active, required_domains.total 2 (1 Google + 1 Microsoft) */
  starter: 'bun_01HZX0BU1A2B3C4D5E6F7G8H',
  /** active, required_domains.total 4 (3 Google + 1 Microsoft) */
  growth: 'bun_01HZX0BU2A2B3C4D5E6F7G8H',
  /** archived, required_domains.total 19 */
  legacy: 'bun_01HZX0BU3A2B3C4D5E6F7G8H',
} as const;

/** Fresh copies of the default bundles. */
export function defaultBundles(): PeekerBundle[] {
  const base = {
    google_percent: null,
    microsoft_percent: null,
    send_on_weekends: false,
    google_inboxes_per_domain: 2 as const,
    created_at: '2026-05-08T12:00:00Z',
  };
  return [
    {
      ...base,
      id: FAKE_BUNDLE_IDS.starter,
      name: 'Starter — 2 domains',
      monthly_sending_volume: 2000,
      status: 'active',
      effective: { google_percent: 50, microsoft_percent: 50 },
      required_domains: { google: 1, microsoft: 1, total: 2 },
    },
    {
      ...base,
      id: FAKE_BUNDLE_IDS.growth,
      name: 'Growth — 4 domains',
      monthly_sending_volume: 5000,
      status: 'active',
      effective: { google_percent: 75, microsoft_percent: 25 },
      required_domains: { google: 3, microsoft: 1, total: 4 },
    },
    {
      ...base,
      id: FAKE_BUNDLE_IDS.legacy,
      name: 'Legacy — 25k emails/month',
      monthly_sending_volume: 25000,
      status: 'archived',
      effective: { google_percent: 50, microsoft_percent: 50 },
      required_domains: { google: 15, microsoft: 4, total: 19 },
    },
  ];
}

// ---- the fake -------------------------------------------------------------------------------

type Reply = { status: number; body: unknown };

interface ImportMeta {
  kind: 'import' | 'job';
  /** The normalized submitted domains, sorted. */
  domains: string[];
  accepted: string[];
  failures: FailedImportRow[];
}

/**
 * Fake Peeker Partner API server. Start with `await FakePeeker.start()`, stop with `await fake.stop()`.
 * Every answer carries `Peeker-Request-Id`; every request is recorded in {@link requests}.
 */
export class FakePeeker {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:PORT/partner/v1`. */
  readonly url: string;
  readonly apiKey: string;
  readonly environment: 'test' | 'live';
  readonly requests: PeekerRequest[] = [];
  /** Imports (`imp_…`) and import jobs (`imj_…`) by id. */
  readonly imports = new Map<string, ImportObject>();
  /** Mutable; `GET /bundles` serves from it. */
  readonly bundles: PeekerBundle[] = defaultBundles();
  /** Orders by id, each with the exact body Peeker received (password included). */
  readonly orders = new Map<string, { order: PeekerOrder; body: PeekerOrderBody }>();
  readonly pendingActions: Array<{ orderId: string; action: PendingAction }> = [];
  /** Behaviour of new imports; mutable. */
  importBehaviour: ImportBehaviour;
  /** Clock used for timestamps and the 24 h order dedupe window; replace it to travel in time. */
  now: () => number = Date.now;

  private readonly server: Server;
  private readonly origin: string;
  private readonly importMeta = new Map<string, ImportMeta>();
  private readonly importsByKey = new Map<string, string>();
  private readonly jobsByKey = new Map<string, string>();
  private readonly orderDedupe = new Map<string, { orderId: string; at: number }>();
  private readonly usersByEmail = new Map<string, string>();
  private readonly failures: Array<{ match: PeekerMatch; failure: PeekerFailure; remaining: number }> = [];
  private readonly latencies: Array<{ match: PeekerMatch; ms: number }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private latencyMs = 0;
  private stopped = false;

  private constructor(server: Server, port: number, options: FakePeekerOptions) {
    this.server = server;
    this.origin = `http://127.0.0.1:${port}`;
    this.url = `${this.origin}${BASE_PATH}`;
    this.apiKey = options.apiKey ?? 'pk_test_fake';
    this.environment = options.environment ?? 'test';
    this.importBehaviour = { ...(options.importBehaviour ?? {}) };
  }

  /** Starts a fake on 127.0.0.1 with an ephemeral port. */
  static async start(options: FakePeekerOptions = {}): Promise<FakePeeker> {
    let fake: FakePeeker | undefined;
    const { server, port } = await listenLocal((req, res) => {
      if (fake) void fake.dispatch(req, res);
    });
    fake = new FakePeeker(server, port, options);
    return fake;
  }

  /** Closes the server and every open (keep-alive or in-flight) connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await closeLocal(this.server, this.timers);
  }

  /** Back to a fresh state (default bundles, no imports/orders/requests/failures/latency). */
  reset(): void {
    this.requests.length = 0;
    this.imports.clear();
    this.importMeta.clear();
    this.importsByKey.clear();
    this.jobsByKey.clear();
    this.bundles.splice(0, this.bundles.length, ...defaultBundles());
    this.orders.clear();
    this.orderDedupe.clear();
    this.usersByEmail.clear();
    this.pendingActions.length = 0;
    this.failures.length = 0;
    this.latencies.length = 0;
    this.latencyMs = 0;
    this.importBehaviour = {};
    this.now = Date.now;
  }

  // ---- requests ----------------------------------------------------------------------------

  /**
   * Requests with this method (`'*'` for any) whose path starts with `pathPrefix` (mind that
   * `'/domains/import'` also matches `'/domains/import/jobs'`) or matches the RegExp.
   */
  requestsTo(method: string, pathPrefixOrRegExp: string | RegExp): PeekerRequest[] {
    return this.requests.filter(
      (r) =>
        (method === '*' || r.method === method.toUpperCase()) &&
        (typeof pathPrefixOrRegExp === 'string'
          ? r.path.startsWith(pathPrefixOrRegExp)
          : pathPrefixOrRegExp.test(r.path)),
    );
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  // ---- scripted behaviour ------------------------------------------------------------------

  /** Queues a failure; the first queued failure whose matcher fits a request answers it. */
  failNext(match: PeekerMatch, failure: PeekerFailure): void {
    this.failures.push({ match, failure, remaining: failure.times ?? 1 });
  }

  clearFailures(): void {
    this.failures.length = 0;
  }

  /** Delay before every answer (0 to turn off). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Extra delay for matching requests (added to {@link setLatency}); the first matching entry wins. */
  setLatencyFor(match: PeekerMatch, ms: number): void {
    this.latencies.unshift({ match, ms });
  }

  // ---- imports -----------------------------------------------------------------------------

  getImport(id: string): ImportObject | undefined {
    return this.imports.get(id);
  }

  /** Shallow-merges `patch` into an import or job; throws for an unknown id. */
  setImport(id: string, patch: Partial<ImportObject>): ImportObject {
    const current = this.imports.get(id);
    if (!current) throw new Error(`FakePeeker.setImport: no import ${id}`);
    const next = { ...current, ...patch, id };
    this.imports.set(id, next);
    return next;
  }

  /** Creates an import (or a job with `{job: true}`) without HTTP, as if it had been submitted. */
  addImport(domains: string[], options: { job?: boolean } = {}): ImportObject {
    return this.createImport(normalizeDomains(domains), options.job ? 'job' : 'import');
  }

  /**
   * Completes an import or job: status `completed`, nameserver groups and failed rows filled with
   * the usual grouping, `completed_at` set. Throws for an unknown id.
   */
  completeImport(id: string): ImportObject {
    const meta = this.importMeta.get(id);
    const current = this.imports.get(id);
    if (!meta || !current) throw new Error(`FakePeeker.completeImport: no import ${id}`);
    const groups =
      current.nameserver_groups.length > 0 ? current.nameserver_groups : this.groupDomains(meta.accepted);
    return this.setImport(id, {
      status: meta.accepted.length > 0 ? 'completed' : 'failed',
      nameserver_groups: groups,
      failed: meta.failures,
      completed_count: meta.accepted.length,
      failed_count: meta.failures.length,
      completed_at: isoSeconds(this.now()),
    });
  }

  /** Alias of {@link completeImport} for `imj_…` jobs. */
  completeJob(id: string): ImportObject {
    return this.completeImport(id);
  }

  // ---- bundles, orders, pending actions ----------------------------------------------------

  /** Adds a bundle (defaults: active, 2 domains) and returns it. */
  addBundle(fields: Partial<PeekerBundle> = {}): PeekerBundle {
    const bundle: PeekerBundle = {
      id: newId('bun'),
      name: 'Test bundle',
      monthly_sending_volume: 2000,
      google_percent: null,
      microsoft_percent: null,
      send_on_weekends: false,
      google_inboxes_per_domain: 2,
      status: 'active',
      effective: { google_percent: 50, microsoft_percent: 50 },
      required_domains: { google: 1, microsoft: 1, total: 2 },
      created_at: isoSeconds(this.now()),
      ...fields,
    };
    this.bundles.push(bundle);
    return bundle;
  }

  getOrder(id: string): PeekerOrder | undefined {
    return this.orders.get(id)?.order;
  }

  /** Shallow-merges `patch` into an order; throws for an unknown id. */
  setOrder(id: string, patch: Partial<PeekerOrder>): PeekerOrder {
    const entry = this.orders.get(id);
    if (!entry) throw new Error(`FakePeeker.setOrder: no order ${id}`);
    entry.order = { ...entry.order, ...patch, id };
    return entry.order;
  }

  /**
   * Adds an open pending action to an order. Defaults: a `google_profile_picture` /
   * `profile_picture_not_accessible` action on the order's first domain and first persona.
   */
  addPendingAction(orderId: string, fields: Partial<PendingAction> = {}): PendingAction {
    const order = this.orders.get(orderId)?.order;
    const action: PendingAction = {
      id: newId('act'),
      type: 'google_profile_picture',
      reason: 'profile_picture_not_accessible',
      status: 'open',
      domain_id: newId('dom'),
      domain: order?.domains.imported[0] ?? order?.domains.registered[0] ?? null,
      user: order?.personas[0] ?? { first_name: 'Sam', last_name: 'Lee', profile_picture_url: null },
      message: 'The profile picture URL must be a publicly accessible image URL.',
      created_at: isoSeconds(this.now()),
      ...fields,
    };
    this.pendingActions.push({ orderId, action });
    return action;
  }

  /** Marks a pending action resolved; returns false for an unknown id. */
  resolvePendingAction(actionId: string): boolean {
    const entry = this.pendingActions.find((p) => p.action.id === actionId);
    if (!entry) return false;
    entry.action = { ...entry.action, status: 'resolved' };
    return true;
  }

  // ---- waiting -----------------------------------------------------------------------------

  /**
   * Polls `predicate` every 10 ms until it returns a truthy value, which is returned. A throwing
   * predicate counts as "not yet"; its last error and the most recent requests are reported on timeout.
   */
  async waitFor<T>(
    predicate: () => T | Promise<T>,
    timeoutMs = 5000,
    description?: string,
  ): Promise<Truthy<T>> {
    return pollUntil(predicate, {
      timeoutMs,
      label: 'FakePeeker',
      description,
      context: () => {
        const recent = this.requests
          .slice(-10)
          .map((r) => `${r.method} ${r.path} -> ${r.failed ? 'scripted ' : ''}${r.status ?? 'no answer'}`);
        return `${this.requests.length} request(s) recorded${recent.length ? `; most recent:\n  ${recent.join('\n  ')}` : ''}`;
      },
    });
  }

  // ---- HTTP plumbing -----------------------------------------------------------------------

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.handle(req, res);
    } catch (error) {
      if (!res.headersSent && !res.destroyed) {
        res
          .writeHead(500, { 'content-type': 'application/json', 'Peeker-Request-Id': newId('req') })
          .end(JSON.stringify(errorEnvelope('internal_error', `FakePeeker crashed: ${errorMessage(error)}`)));
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const method = (req.method ?? 'GET').toUpperCase();
    const underBase = url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`);
    let path = underBase ? url.pathname.slice(BASE_PATH.length) || '/' : url.pathname;
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const raw = await readBody(req);
    let body: unknown;
    let badJson = false;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const requestId = newId('req');
    const record: PeekerRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: req.headers,
      at: Date.now(),
      requestId,
    };
    this.requests.push(record);

    const failure = this.takeFailure(method, path);
    const wait = this.latencyMs + this.latencyFor(method, path) + (failure?.delayMs ?? 0);
    // Like a real server, a request whose client gave up (a timeout) is still processed.
    if (wait > 0) await this.sleep(wait);

    const send = (reply: Reply, rawText?: string): void => {
      record.status = reply.status;
      if (res.destroyed || res.headersSent) return;
      res
        .writeHead(reply.status, {
          'content-type': 'application/json; charset=utf-8',
          'Peeker-Request-Id': requestId,
        })
        .end(rawText ?? JSON.stringify(reply.body));
    };

    if (failure && isFailing(failure)) {
      record.failed = true;
      if (failure.dropConnection) {
        req.socket.destroy();
        return;
      }
      if (failure.rawBody !== undefined) {
        send({ status: failure.status ?? 200, body: undefined }, failure.rawBody);
        return;
      }
      send(scriptedError(failure));
      return;
    }
    if (!underBase) {
      send(notFound('No such route'));
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      send({ status: 401, body: errorEnvelope('unauthorized', 'Invalid API key') });
      return;
    }
    if (badJson) {
      send(invalid('Request body is not valid JSON', null));
      return;
    }
    send(this.route(method, path, url.searchParams, body));
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown): Reply {
    if (path === '/me' && method === 'GET') {
      return ok({
        api_key: { environment: this.environment, permission_preset: 'full' },
        partner: PARTNER,
      });
    }
    if (path === '/domains/import') {
      if (method === 'POST') return this.submitImport(body, 'import');
      if (method === 'GET') return this.lookupImport(query);
    }
    if (path === '/domains/import/jobs' && method === 'POST') return this.submitImport(body, 'job');
    const importId = /^\/domains\/import\/(?:jobs\/)?([^/]+)$/.exec(path)?.[1];
    if (importId !== undefined && method === 'GET') {
      const found = this.imports.get(importId);
      return found ? ok(found) : notFound(`No import ${importId}`);
    }
    if (path === '/bundles' && method === 'GET') {
      const status = query.get('status');
      return this.paginate(
        path,
        query,
        this.bundles.filter((b) => status === null || b.status === status),
      );
    }
    const bundleId = /^\/bundles\/([^/]+)$/.exec(path)?.[1];
    if (bundleId !== undefined && method === 'GET') {
      const found = this.bundles.find((b) => b.id === bundleId);
      return found ? ok(found) : notFound(`No bundle ${bundleId}`);
    }
    if (path === '/orders') {
      if (method === 'POST') return this.createOrder(body);
      if (method === 'GET') return this.listOrders(query);
    }
    if (path === '/orders/pending' && method === 'GET') return this.listPending(query);
    const orderId = /^\/orders\/([^/]+)$/.exec(path)?.[1];
    if (orderId !== undefined && method === 'GET') {
      const found = this.orders.get(orderId);
      return found ? ok(found.order) : notFound(`No order ${orderId}`);
    }
    return notFound(`No route ${method} ${path}`);
  }

  // ---- imports -----------------------------------------------------------------------------

  private submitImport(body: unknown, kind: 'import' | 'job'): Reply {
    const max = kind === 'import' ? SYNC_IMPORT_MAX : JOB_IMPORT_MAX;
    const list = isRecord(body) ? body.domains : undefined;
    if (!Array.isArray(list) || list.length === 0 || !list.every((d) => typeof d === 'string')) {
      return invalid('domains must be a non-empty array of domain names', 'domains');
    }
    if (list.length > max) return invalid(`domains accepts at most ${max} entries`, 'domains');
    const domains = normalizeDomains(list as string[]);
    const key = domains.join(',');
    const byKey = kind === 'import' ? this.importsByKey : this.jobsByKey;
    const existingId = byKey.get(key);
    const existing = existingId === undefined ? undefined : this.imports.get(existingId);
    if (existing) return { status: kind === 'job' ? 202 : 200, body: { data: existing } };
    const created = this.createImport(domains, kind);
    return { status: kind === 'job' ? 202 : 200, body: { data: created } };
  }

  private createImport(domains: string[], kind: 'import' | 'job'): ImportObject {
    const failDomains = normalizeKeys(this.importBehaviour.failDomains ?? {});
    const failures: FailedImportRow[] = [];
    const accepted: string[] = [];
    for (const domain of domains) {
      const reason = failDomains.get(domain) ?? domainProblem(domain);
      if (reason) failures.push({ domain, reason });
      else accepted.push(domain);
    }
    const id = newId(kind === 'import' ? 'imp' : 'imj');
    const createdAt = isoSeconds(this.now());
    let created: ImportObject;
    if (kind === 'job') {
      created = {
        id,
        status: 'in_progress',
        submitted_count: domains.length,
        completed_count: 0,
        failed_count: 0,
        nameserver_groups: [],
        failed: [],
        created_at: createdAt,
        completed_at: null,
      };
    } else {
      const status: ImportStatus =
        accepted.length === 0 ? 'failed' : (this.importBehaviour.initialStatus ?? 'completed');
      const done = status === 'completed';
      created = {
        id,
        status,
        submitted_count: domains.length,
        completed_count: done ? accepted.length : 0,
        failed_count: failures.length,
        nameserver_groups: this.groupDomains(accepted),
        failed: failures,
        created_at: createdAt,
        completed_at: done || status === 'failed' ? createdAt : null,
      };
    }
    this.imports.set(id, created);
    this.importMeta.set(id, { kind, domains, accepted, failures });
    (kind === 'import' ? this.importsByKey : this.jobsByKey).set(domains.join(','), id);
    return created;
  }

  private groupDomains(domains: string[]): NameserverGroup[] {
    if (domains.length === 0) return [];
    const size = Math.max(1, this.importBehaviour.groupSize ?? domains.length);
    const groups: NameserverGroup[] = [];
    for (let i = 0; i < domains.length; i += size) {
      const pair = NAMESERVER_PAIRS[groups.length % NAMESERVER_PAIRS.length] ?? ['helena', 'idris'];
      groups.push({
        nameserver_one: `${pair[0]}.ns.cloudflare.com`,
        nameserver_two: `${pair[1]}.ns.cloudflare.com`,
        domains: domains.slice(i, i + size),
      });
    }
    return groups;
  }

  private lookupImport(query: URLSearchParams): Reply {
    const wanted = normalizeDomains((query.get('domains') ?? '').split(',').filter((d) => d.trim() !== ''));
    if (wanted.length === 0) return invalid('The domains query parameter is required', 'domains');
    const ids = [...this.imports.keys()].reverse();
    for (const id of ids) {
      const meta = this.importMeta.get(id);
      const found = this.imports.get(id);
      if (meta && found && wanted.every((d) => meta.domains.includes(d))) return ok(found);
    }
    return notFound('No import contains those domains');
  }

  // ---- orders ------------------------------------------------------------------------------

  private createOrder(body: unknown): Reply {
    const canonical = canonicalJson(body);
    const seen = this.orderDedupe.get(canonical);
    const seenOrder = seen ? this.orders.get(seen.orderId) : undefined;
    if (seen && seenOrder && this.now() - seen.at < ORDER_DEDUPE_MS) return ok(receipt(seenOrder.order));

    const checked = validateOrderBody(body);
    if ('status' in checked) return checked;
    const orderBody = checked.body;
    const bundle = this.bundles.find((b) => b.id === orderBody.bundle_id && b.status !== 'deleted');
    if (!bundle) return notFound(`No bundle ${orderBody.bundle_id}`, 'bundle_id');
    if (bundle.status === 'archived') return invalid('Bundle is archived', 'bundle_id');
    const required = bundle.required_domains.total;
    const submitted = orderBody.domains.length;
    if (submitted !== required) {
      return {
        status: 422,
        body: errorEnvelope(
          'domain_count_mismatch',
          'Submitted domain count does not match the order plan',
          'domains',
          {
            required_count: required,
            submitted_count: submitted,
            missing_count: Math.max(0, required - submitted),
          },
        ),
      };
    }
    const user = this.resolveUser(orderBody.user);
    if (!user) return notFound(`No user ${orderBody.user}`, 'user');

    const now = this.now();
    const renews = new Date(now);
    renews.setUTCMonth(renews.getUTCMonth() + 1);
    const google = bundle.required_domains.google;
    const microsoft = bundle.required_domains.microsoft;
    const order: PeekerOrder = {
      id: newId('ord'),
      user_id: user.id,
      email: user.email,
      bundle_id: bundle.id,
      status: 'in_progress',
      domain_count: submitted,
      costs: {
        total_cents: PRICE_PER_DOMAIN_CENTS * submitted,
        currency: 'usd',
        line_items: [
          {
            type: 'google_license',
            quantity: google * bundle.google_inboxes_per_domain,
            amount_cents: PRICE_PER_DOMAIN_CENTS * google,
          },
          {
            type: 'microsoft_license',
            quantity: microsoft,
            amount_cents: PRICE_PER_DOMAIN_CENTS * microsoft,
          },
        ],
      },
      domains: {
        registered: [],
        imported: orderBody.domains.map((d) => (typeof d === 'string' ? d : d.domain).toLowerCase()),
      },
      personas: orderBody.personas.map((p) => ({ ...p })),
      forwarding_url: orderBody.forwarding_url ?? null,
      connected_count: 0,
      renews_at: isoSeconds(renews.getTime()),
      created_at: isoSeconds(now),
    };
    this.orders.set(order.id, { order, body: orderBody });
    this.orderDedupe.set(canonical, { orderId: order.id, at: now });
    return ok(receipt(order));
  }

  private resolveUser(user: string): { id: string; email: string } | undefined {
    if (user.startsWith('usr_')) {
      for (const [email, id] of this.usersByEmail) if (id === user) return { id, email };
      return undefined;
    }
    const email = user.toLowerCase();
    let id = this.usersByEmail.get(email);
    if (!id) {
      id = newId('usr');
      this.usersByEmail.set(email, id);
    }
    return { id, email };
  }

  private listOrders(query: URLSearchParams): Reply {
    const filters: Array<[string, (o: PeekerOrder) => string]> = [
      ['user_id', (o) => o.user_id],
      ['user_email', (o) => o.email],
      ['bundle_id', (o) => o.bundle_id],
      ['status', (o) => o.status],
    ];
    const rows = [...this.orders.values()]
      .map((e) => e.order)
      .filter((o) => filters.every(([key, get]) => query.get(key) === null || get(o) === query.get(key)))
      .reverse()
      .map(receipt);
    return this.paginate('/orders', query, rows);
  }

  private listPending(query: URLSearchParams): Reply {
    const orderId = query.get('order_id');
    const user = query.get('user');
    const domainId = query.get('domain_id');
    const status = query.get('status') ?? 'open';
    const rows = this.pendingActions
      .filter(({ orderId: owner, action }) => {
        if (orderId !== null && owner !== orderId) return false;
        if (domainId !== null && action.domain_id !== domainId) return false;
        if (action.status !== status) return false;
        if (user !== null) {
          const order = this.orders.get(owner)?.order;
          if (!order || (order.user_id !== user && order.email !== user.toLowerCase())) return false;
        }
        return true;
      })
      .map((p) => p.action);
    return this.paginate('/orders/pending', query, rows);
  }

  private paginate<T>(path: string, query: URLSearchParams, items: T[]): Reply {
    let perPage = 25;
    const perPageRaw = query.get('per_page');
    if (perPageRaw !== null) {
      const n = Number(perPageRaw);
      if (!Number.isInteger(n) || n < 1 || n > 100)
        return invalid('per_page must be between 1 and 100', 'per_page');
      perPage = n;
    }
    let offset = 0;
    const token = query.get('page_token');
    if (token !== null) {
      const decoded = decodePageToken(token);
      if (decoded === undefined) return invalid('page_token is invalid', 'page_token');
      offset = decoded;
    }
    const page = items.slice(offset, offset + perPage);
    const params = new URLSearchParams(query);
    params.delete('page_token');
    params.set('per_page', String(perPage));
    let next: string | null = null;
    if (offset + perPage < items.length) {
      const nextParams = new URLSearchParams(params);
      nextParams.set('page_token', encodePageToken(offset + perPage));
      next = `${this.url}${path}?${nextParams}`;
    }
    return {
      status: 200,
      body: {
        data: page,
        links: { first: `${this.url}${path}?${params}`, next },
        meta: { path: `${this.url}${path}`, per_page: perPage, returned: page.length },
      },
    };
  }

  // ---- helpers -----------------------------------------------------------------------------

  private takeFailure(method: string, path: string): PeekerFailure | undefined {
    const index = this.failures.findIndex((f) => matches(f.match, method, path));
    const entry = this.failures[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.failures.splice(index, 1);
    return entry.failure;
  }

  private latencyFor(method: string, path: string): number {
    return this.latencies.find((l) => matches(l.match, method, path))?.ms ?? 0;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

// ---- webhooks -------------------------------------------------------------------------------

/**
 * Signs a webhook body the way the app expects Peeker to (SPEC §3.1): HMAC-SHA256 hex keyed with
 * the secret over `${timestamp}.${rawBody}` (`mode: 'timestamped'`, default) or over the raw body
 * alone (`mode: 'raw'`).
 */
export function signWebhook(
  rawBody: string,
  secret: string,
  opts: { timestamp?: number; mode?: 'timestamped' | 'raw' } = {},
): { 'Peeker-Timestamp': string; 'Peeker-Signature': string } {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signed = (opts.mode ?? 'timestamped') === 'timestamped' ? `${timestamp}.${rawBody}` : rawBody;
  const hex = createHmac('sha256', secret).update(signed, 'utf8').digest('hex');
  return { 'Peeker-Timestamp': String(timestamp), 'Peeker-Signature': `v1=${hex}` };
}

/** Builds a webhook envelope `{id, type, created_at, data}` with a fresh `evt_…` id. */
export function makeEvent<T>(
  type: string,
  data: T,
  opts: { id?: string; createdAt?: string } = {},
): WebhookEvent<T> {
  return {
    id: opts.id ?? newId('evt'),
    type,
    created_at: opts.createdAt ?? isoSeconds(Date.now()),
    data,
  };
}

/**
 * POSTs a signed webhook to the app. `event` is serialized with JSON.stringify unless it is a
 * string (sent byte-for-byte, e.g. malformed JSON). Headers: Content-Type, Peeker-Event-Id
 * (default `event.id`), Peeker-Timestamp, Peeker-Signature; `headers` overrides any of them and
 * `unsigned: true` leaves the two signature headers out.
 */
export async function deliverWebhook(
  targetUrl: string,
  event: object | string,
  opts: {
    secret: string;
    eventId?: string;
    timestamp?: number;
    mode?: 'timestamped' | 'raw';
    headers?: Record<string, string>;
    unsigned?: boolean;
  },
): Promise<{ status: number; body: string }> {
  const rawBody = typeof event === 'string' ? event : JSON.stringify(event);
  const eventId = opts.eventId ?? eventIdOf(event);
  const signature = signWebhook(rawBody, opts.secret, {
    ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
    ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
  });
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    ...(eventId !== undefined ? { 'Peeker-Event-Id': eventId } : {}),
    ...(opts.unsigned ? {} : signature),
    ...(opts.headers ?? {}),
  };
  const res = await fetch(targetUrl, { method: 'POST', headers, body: rawBody });
  return { status: res.status, body: await res.text() };
}

/** `domain_import.*` event data: the import object itself (a deep copy). */
export function importEventData(importObject: ImportObject): ImportObject {
  return structuredClone(importObject);
}

/** `domain.connected` event data shaped like the seed guide's example. */
export function domainConnectedData(
  fields: Partial<DomainConnectedData> & { domain: string; order_id: string },
): DomainConnectedData {
  return {
    id: newId('dom'),
    category: 'connected',
    status: 'active',
    provider: 'google',
    user_id: 'usr_01HZX0C6Z3K4M5N6P7Q8R9S0',
    usable_for: ['google', 'microsoft'],
    forwarding_url: 'https://acme.com',
    created_at: isoSeconds(Date.now()),
    ...fields,
  };
}

/** `order.*` event data in the NEW flat shape: `{id, status, ...extra}`. */
export function orderEventData(
  orderId: string,
  status: OrderStatus,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id: orderId, status, ...extra };
}

// ---- module helpers -------------------------------------------------------------------------

function receipt(order: PeekerOrder): OrderReceipt {
  return {
    id: order.id,
    user_id: order.user_id,
    email: order.email,
    bundle_id: order.bundle_id,
    status: order.status,
    domain_count: order.domain_count,
    costs: { total_cents: order.costs.total_cents, currency: order.costs.currency },
    renews_at: order.renews_at,
    created_at: order.created_at,
  };
}

function validateOrderBody(body: unknown): Reply | { body: PeekerOrderBody } {
  if (!isRecord(body)) return invalid('Body must be a JSON object', null);
  if (!nonEmptyString(body.user)) return invalid('user is required (a usr_ id or an email)', 'user');
  if (!nonEmptyString(body.bundle_id)) return invalid('bundle_id is required', 'bundle_id');
  if (body.google_licenses !== undefined || body.microsoft_licenses !== undefined) {
    return {
      status: 400,
      body: errorEnvelope(
        'order_shape_conflict',
        'Pick a saved bundle OR set custom licences — not both',
        'bundle_id',
      ),
    };
  }
  const sequencer = body.sequencer;
  if (!isRecord(sequencer)) return invalid('sequencer is required', 'sequencer');
  if (sequencer.provider !== 'smartlead')
    return invalid('sequencer.provider must be smartlead', 'sequencer.provider');
  const clientId = sequencer.client_id;
  if (clientId !== undefined && clientId !== null && clientId !== '' && typeof clientId !== 'number') {
    return invalid('sequencer.client_id must be an integer', 'sequencer.client_id');
  }
  if (!nonEmptyString(sequencer.login_email)) {
    return invalid('sequencer.login_email is required', 'sequencer.login_email');
  }
  if (!nonEmptyString(sequencer.login_password)) {
    return invalid('sequencer.login_password is required', 'sequencer.login_password');
  }
  if (body.forwarding_url !== undefined && typeof body.forwarding_url !== 'string') {
    return invalid('forwarding_url must be a string', 'forwarding_url');
  }
  const domains = body.domains;
  const domainOk = (d: unknown): boolean =>
    nonEmptyString(d) ||
    (isRecord(d) &&
      nonEmptyString(d.domain) &&
      (d.forwarding_url === undefined || typeof d.forwarding_url === 'string'));
  if (!Array.isArray(domains) || domains.length === 0 || !domains.every(domainOk)) {
    return invalid('domains must be a non-empty array of domains', 'domains');
  }
  const personas = body.personas;
  const personaOk = (p: unknown): boolean =>
    isRecord(p) &&
    nonEmptyString(p.first_name) &&
    nonEmptyString(p.last_name) &&
    'profile_picture_url' in p &&
    (p.profile_picture_url === null || typeof p.profile_picture_url === 'string');
  if (!Array.isArray(personas) || personas.length === 0 || personas.length > MAX_PERSONAS) {
    return invalid(`personas must hold 1 to ${MAX_PERSONAS} entries`, 'personas');
  }
  if (!personas.every(personaOk)) {
    return invalid('each persona needs first_name, last_name and profile_picture_url', 'personas');
  }
  return { body: body as PeekerOrderBody };
}

function isFailing(failure: PeekerFailure): boolean {
  return (
    failure.dropConnection === true ||
    failure.rawBody !== undefined ||
    failure.status !== undefined ||
    failure.code !== undefined
  );
}

function scriptedError(failure: PeekerFailure): Reply {
  const status = failure.status ?? 400;
  const code = failure.code ?? defaultCode(status);
  const details = failure.details ?? (status === 429 ? { retry_after_seconds: 1 } : {});
  return {
    status,
    body: errorEnvelope(code, failure.message ?? `Scripted ${code}`, failure.field ?? null, details),
  };
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal_error' : 'invalid_request';
  }
}

function matches(match: PeekerMatch, method: string, path: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === path : match.path.test(path);
}

function errorEnvelope(
  code: string,
  message: string,
  field: string | null = null,
  details: Record<string, unknown> = {},
): { error: { code: string; message: string; field: string | null; details: Record<string, unknown> } } {
  return { error: { code, message, field, details } };
}

function ok(data: unknown): Reply {
  return { status: 200, body: { data } };
}

function invalid(message: string, field: string | null): Reply {
  return { status: 400, body: errorEnvelope('invalid_request', message, field) };
}

function notFound(message: string, field: string | null = null): Reply {
  return { status: 404, body: errorEnvelope('not_found', message, field) };
}

/** Lowercase, trim, drop a trailing dot, dedupe, sort: Peeker's "normalized domain set". */
function normalizeDomains(domains: string[]): string[] {
  return [...new Set(domains.map(normalizeDomain).filter((d) => d !== ''))].sort();
}

function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

function normalizeKeys(map: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(map).map(([k, v]) => [normalizeDomain(k), v]));
}

/** Why a domain cannot be imported: `invalid_domain`, `not_root_domain`, or undefined when fine. */
function domainProblem(domain: string): string | undefined {
  const labels = domain.split('.');
  const labelOk = (l: string): boolean => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l);
  const tld = labels.at(-1) ?? '';
  if (labels.length < 2 || !labels.every(labelOk) || !/^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(tld)) {
    return 'invalid_domain';
  }
  const suffixLabels = TWO_LABEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 2 : 1;
  if (labels.length === suffixLabels) return 'invalid_domain';
  return labels.length > suffixLabels + 1 ? 'not_root_domain' : undefined;
}

/** JSON with object keys sorted, so the dedupe key ignores key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ cursor: offset })).toString('base64url');
}

function decodePageToken(token: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const cursor = isRecord(parsed) ? parsed.cursor : undefined;
    return typeof cursor === 'number' && Number.isInteger(cursor) && cursor >= 0 ? cursor : undefined;
  } catch {
    return undefined;
  }
}

function eventIdOf(event: object | string): string | undefined {
  let value: unknown = event;
  if (typeof event === 'string') {
    try {
      value = JSON.parse(event);
    } catch {
      return undefined;
    }
  }
  return isRecord(value) && typeof value.id === 'string' ? value.id : undefined;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `<prefix>_` + a ULID-shaped id (10 time chars + 16 random chars, Crockford base32). */
function newId(prefix: string): string {
  let time = '';
  let t = Date.now();
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  let random = '';
  for (const byte of randomBytes(16)) random += CROCKFORD.charAt(byte % 32);
  return `${prefix}_${time}${random}`;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

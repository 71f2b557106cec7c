/**
 * In-process fake of the Peeker Partner API (NEW doc generation, importing-domains guide shapes) for
 * integration tests: the HTTP server, the request log, scripted failures and latency, and the
 * routing to one module per resource. Point the app at it with `PEEKER_API_URL = fake.url` and
 * `PEEKER_API_KEY = fake.apiKey`.
 */

import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeLocal, listenLocal } from '../local-server.js';
import { pollUntil, type Truthy } from '../poll-until.js';
import { BundlesResource, type PeekerBundle } from './bundles.js';
import {
  type AvailabilityAnswer,
  type DomainConnectedData,
  type DomainProvider,
  DomainsResource,
  type InventoryDomain,
  type PeekerDomain,
} from './domains.js';
import { type ForwardingJob, type ForwardingOutcome, ForwardingResource } from './forwarding.js';
import { type ImportBehaviour, type ImportObject, ImportsResource } from './imports.js';
import {
  type Cancellation,
  type CancelResponseShape,
  OrdersResource,
  type PeekerOrder,
  type PeekerOrderBody,
  type PendingAction,
} from './orders.js';
import {
  BASE_PATH,
  domainIdFor,
  errorEnvelope,
  errorMessage,
  type FakeContext,
  type FakeResource,
  invalid,
  newId,
  notFound,
  ok,
  type Reply,
} from './shared.js';
import { type PeekerSwap, type SwapStatus, SwapsResource } from './swaps.js';
import { makeEvent, type WebhookEvent } from './webhooks.js';

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

/** Constructor options of {@link FakePeeker}. */
export interface FakePeekerOptions {
  apiKey?: string;
  environment?: 'test' | 'live';
  importBehaviour?: ImportBehaviour;
}

const PARTNER = { id: 'org_01HZX0OG1A2B3C4D5E6F7G8H', name: 'Acme Resellers' };

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
  readonly imports: Map<string, ImportObject>;
  /** Mutable; `GET /bundles` serves from it. */
  readonly bundles: PeekerBundle[];
  /** Orders by id, each with the exact body Peeker received (password included). */
  readonly orders: Map<string, { order: PeekerOrder; body: PeekerOrderBody }>;
  readonly pendingActions: Array<{ orderId: string; action: PendingAction }>;
  /** Every accepted `POST /orders/{id}/cancel`, oldest first. */
  readonly cancellations: Cancellation[];
  /** Forwarding jobs (`fwj_…`) by id. */
  readonly forwardingJobs: Map<string, ForwardingJob>;
  /** Swaps (`swp_…`) by id, user-name rows included. */
  readonly swaps: Map<string, PeekerSwap>;
  /** Clock used for timestamps and the 24 h order dedupe window; replace it to travel in time. */
  now: () => number = Date.now;

  private readonly server: Server;
  private readonly origin: string;
  private readonly importsResource: ImportsResource;
  private readonly bundlesResource: BundlesResource;
  private readonly ordersResource: OrdersResource;
  private readonly domainsResource: DomainsResource;
  private readonly forwardingResource: ForwardingResource;
  private readonly swapsResource: SwapsResource;
  /** Routing order: the first resource that answers a path wins. */
  private readonly resources: FakeResource[];
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
    const ctx: FakeContext = { url: this.url, now: () => this.now() };
    this.importsResource = new ImportsResource(ctx, options.importBehaviour);
    this.bundlesResource = new BundlesResource(ctx);
    this.ordersResource = new OrdersResource(ctx, this.bundlesResource);
    this.domainsResource = new DomainsResource(ctx, this.importsResource, this.ordersResource);
    this.forwardingResource = new ForwardingResource(ctx, this.domainsResource);
    this.swapsResource = new SwapsResource(ctx, this.domainsResource, this.ordersResource);
    this.resources = [
      this.importsResource,
      this.forwardingResource,
      this.domainsResource,
      this.bundlesResource,
      this.ordersResource,
      this.swapsResource,
    ];
    this.imports = this.importsResource.imports;
    this.bundles = this.bundlesResource.bundles;
    this.orders = this.ordersResource.orders;
    this.pendingActions = this.ordersResource.pendingActions;
    this.cancellations = this.ordersResource.cancellations;
    this.forwardingJobs = this.forwardingResource.jobs;
    this.swaps = this.swapsResource.swaps;
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

  /** Back to a fresh state (default bundles, no imports/orders/domains/swaps/requests/failures/latency). */
  reset(): void {
    this.requests.length = 0;
    for (const resource of this.resources) resource.reset();
    this.failures.length = 0;
    this.latencies.length = 0;
    this.latencyMs = 0;
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

  /** Behaviour of new imports; mutable. */
  get importBehaviour(): ImportBehaviour {
    return this.importsResource.behaviour;
  }

  set importBehaviour(behaviour: ImportBehaviour) {
    this.importsResource.behaviour = behaviour;
  }

  getImport(id: string): ImportObject | undefined {
    return this.importsResource.get(id);
  }

  /** Shallow-merges `patch` into an import or job; throws for an unknown id. */
  setImport(id: string, patch: Partial<ImportObject>): ImportObject {
    return this.importsResource.set(id, patch);
  }

  /** Creates an import (or a job with `{job: true}`) without HTTP, as if it had been submitted. */
  addImport(domains: string[], options: { job?: boolean } = {}): ImportObject {
    return this.importsResource.add(domains, options.job === true);
  }

  /**
   * Completes an import or job: status `completed`, nameserver groups and failed rows filled with
   * the usual grouping, `completed_at` set. Throws for an unknown id.
   */
  completeImport(id: string): ImportObject {
    return this.importsResource.complete(id);
  }

  /** Alias of {@link completeImport} for `imj_…` jobs. */
  completeJob(id: string): ImportObject {
    return this.completeImport(id);
  }

  // ---- bundles, orders, pending actions ----------------------------------------------------

  /** Adds a bundle (defaults: active, 2 domains) and returns it. */
  addBundle(fields: Partial<PeekerBundle> = {}): PeekerBundle {
    return this.bundlesResource.add(fields);
  }

  getOrder(id: string): PeekerOrder | undefined {
    return this.ordersResource.get(id);
  }

  /** Shallow-merges `patch` into an order; throws for an unknown id. */
  setOrder(id: string, patch: Partial<PeekerOrder>): PeekerOrder {
    return this.ordersResource.set(id, patch);
  }

  /**
   * Adds an open pending action to an order. Defaults: a `google_profile_picture` /
   * `profile_picture_not_accessible` action on the order's first domain and first persona.
   */
  addPendingAction(orderId: string, fields: Partial<PendingAction> = {}): PendingAction {
    return this.ordersResource.addPendingAction(orderId, fields);
  }

  /** Marks a pending action resolved; returns false for an unknown id. */
  resolvePendingAction(actionId: string): boolean {
    return this.ordersResource.resolvePendingAction(actionId);
  }

  // ---- cancellations -----------------------------------------------------------------------

  /** Answer `POST /orders/{id}/cancel` with the NEW shape (default) or the OLD full order. */
  setCancelResponseShape(shape: CancelResponseShape): void {
    this.ordersResource.cancelResponseShape = shape;
  }

  /** Accepted cancellations, of one order or of all. */
  cancelCount(orderId?: string): number {
    return this.cancellations.filter((c) => orderId === undefined || c.orderId === orderId).length;
  }

  /** Schedules a cancellation without HTTP (whole order, or these names/`dom_` ids); throws if Peeker would refuse. */
  scheduleCancellation(orderId: string, domains?: string[]): Cancellation {
    return this.ordersResource.scheduleCancellation(orderId, domains);
  }

  /**
   * Finishes the scheduled cancellations of an order (`order.cancelled`): their domains are
   * released to the inventory, and the order is `cancelled` once it has none left.
   */
  finishCancellation(orderId: string): Cancellation[] {
    return this.ordersResource.finishCancellation(orderId);
  }

  // ---- domains -----------------------------------------------------------------------------

  /**
   * Scripts `POST /domains/availability` for one name. A list is answered one per call, the last
   * one sticking; `{reason: 'stale', thenAvailable: true}` is stale once, then available.
   */
  setAvailability(domain: string, answers: AvailabilityAnswer | AvailabilityAnswer[]): void {
    this.domainsResource.setAvailability(domain, answers);
  }

  /** Most names per availability call (default 50, the NEW docs' limit); more is a 400. */
  setAvailabilityBatchLimit(limit: number): void {
    this.domainsResource.availabilityBatchLimit = limit;
  }

  /** `POST /domains/availability` requests received (each one spends a rate-limit token). */
  availabilityCallCount(): number {
    return this.requestsTo('POST', /^\/domains\/availability$/).length;
  }

  /** Adds a spare domain to `GET /domains?category=inventory`. */
  addInventoryDomain(name: string, fields: Partial<InventoryDomain> = {}): InventoryDomain {
    return this.domainsResource.addInventoryDomain(name, fields);
  }

  /** Sets the mail provider of a domain (default google); premium swaps need `microsoft`. */
  setDomainProvider(name: string, provider: DomainProvider): void {
    this.domainsResource.setProvider(name, provider);
  }

  /** The stable `dom_` id of a domain name (the same one {@link domainConnectedData} uses). */
  domainId(name: string): string {
    return domainIdFor(name);
  }

  /** The `GET /domains` row of a name or `dom_` id, if listed. */
  getDomain(nameOrId: string): PeekerDomain | undefined {
    return this.domainsResource.find(nameOrId);
  }

  /**
   * Connects a domain of an order, as `domain.connected` reports: it joins
   * `GET /domains?category=connected` and the order's `connected_count`. Returns the event data.
   */
  connectDomain(
    orderId: string,
    domain: string,
    fields: Partial<DomainConnectedData> = {},
  ): DomainConnectedData {
    return this.domainsResource.connect(orderId, domain, fields);
  }

  /** {@link connectDomain}, wrapped in a `domain.connected` event. */
  domainConnectedEvent(
    orderId: string,
    domain: string,
    fields: Partial<DomainConnectedData> = {},
  ): WebhookEvent<DomainConnectedData> {
    return makeEvent('domain.connected', this.connectDomain(orderId, domain, fields));
  }

  // ---- forwarding --------------------------------------------------------------------------

  getForwardingJob(id: string): ForwardingJob | undefined {
    return this.forwardingJobs.get(id);
  }

  /**
   * Ends a forwarding job: `failed` rows fail, the rest complete (status `completed`,
   * `partial_success`, or `failed` when nothing completed; `failJob` fails it all).
   */
  finishForwardingJob(id: string, outcome: ForwardingOutcome = {}): ForwardingJob {
    return this.forwardingResource.finish(id, outcome);
  }

  // ---- swaps -------------------------------------------------------------------------------

  getSwap(id: string): PeekerSwap | undefined {
    return this.swaps.get(id);
  }

  /** Moves a swap along (see {@link SwapsResource.advance}); returns the updated swap. */
  advanceSwap(id: string, status: SwapStatus, extra: Partial<PeekerSwap> = {}): PeekerSwap {
    return this.swapsResource.advance(id, status, extra);
  }

  /** Premium swaps still allowed before `swap_quota_exceeded` (null: unlimited, the default). */
  setPremiumSwapQuota(remaining: number | null): void {
    this.swapsResource.premiumQuota = remaining;
  }

  /** Inboxes on a domain, i.e. rows of a user-name swap (default: 2 for Google, 1 for Microsoft). */
  setInboxesPerDomain(domain: string, count: number): void {
    this.swapsResource.setInboxes(domain, count);
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
    for (const resource of this.resources) {
      const reply = resource.route(method, path, query, body);
      if (reply) return reply;
    }
    return notFound(`No route ${method} ${path}`);
  }

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

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

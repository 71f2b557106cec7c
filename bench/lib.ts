/**
 * Shared helpers of the benchmark suite (`npm run bench`): statistics, tables, machine facts, a
 * keep-alive HTTP client, signed Slack/Peeker requests, and the system under test started either
 * in-process (counting benchmarks) or in a child process (latency and memory benchmarks, so the
 * load generator and the fakes do not share the app's event loop).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPeekerApp, type PeekerApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { FakeSlack } from '../test/fakes/fake-slack.js';
import { FakePeeker, signWebhook } from '../test/fakes/peeker/index.js';
import { type Harness, SIGNING_SECRET, testEnv, WEBHOOK_SECRET } from '../test/helpers/harness.js';
import { settleApp } from '../test/helpers/settle-app.js';
import {
  FORM_CONTENT_TYPE,
  interactionForm,
  parseAck,
  slackSignatureHeaders,
  slashCommandForm,
} from '../test/helpers/slack-requests.js';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = join(BENCH_DIR, '..');
/** `--import` value that loads tsx from this project whatever the child's working directory. */
export const TSX_IMPORT = pathToFileURL(join(ROOT_DIR, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

// ---- run context and results ------------------------------------------------------------------

export interface BenchContext {
  /** `BENCH_QUICK=1` or `--quick`: shorter runs, same shape. */
  quick: boolean;
  log: (line: string) => void;
}

/** One line of a benchmark's summary: a figure, the baseline measured in the same run, the ratio. */
export interface ResultRow {
  metric: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  /** undefined when the row has no pass/fail target. */
  pass?: boolean | undefined;
}

export interface BenchResult {
  name: string;
  title: string;
  rows: ResultRow[];
  /** Free-form observations printed under the table. */
  notes: string[];
  seconds: number;
}

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<Omit<BenchResult, 'name' | 'title' | 'seconds'>>;
}

// ---- statistics --------------------------------------------------------------------------------

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (p in 0–100) of an unsorted sample. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ?? Number.NaN;
  return {
    n: sorted.length,
    mean: sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length),
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export const ms = (value: number, digits = 2) => `${value.toFixed(digits)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ratio = (value: number, baseline: number, digits = 2) =>
  baseline === 0 || !Number.isFinite(value / baseline) ? 'n/a' : `${(value / baseline).toFixed(digits)}×`;

// ---- tables and machine facts ------------------------------------------------------------------

/** A plain-text table (also valid Markdown). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function resultTable(rows: readonly ResultRow[]): string {
  return table(
    ['metric', 'figure', 'baseline', 'ratio', 'target', 'ok'],
    rows.map((row) => [
      row.metric,
      row.value,
      row.baseline,
      row.ratio,
      row.target,
      row.pass === undefined ? '' : row.pass ? 'yes' : 'NO',
    ]),
  );
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

export const sleep = (msToWait: number) => new Promise<void>((resolve) => setTimeout(resolve, msToWait));

/** Resolves when `predicate` is true, polling every `everyMs`; throws after `timeoutMs`. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---- HTTP client --------------------------------------------------------------------------------

export interface PostResult {
  status: number;
  body: string;
  /** Request sent → response fully read, in milliseconds. */
  ms: number;
}

/**
 * A minimal keep-alive HTTP client (node:http). The same client drives the app and every
 * baseline, so its own cost cancels out of the ratios; it is lighter than `fetch`, so it stays
 * out of the way at peak throughput.
 */
export class Client {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(baseUrl: string, maxSockets = 64) {
    this.target = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  post(path: string, body: string, headers: Record<string, string>): Promise<PostResult> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Sends a form body signed like Slack does (`v0=` HMAC of `v0:<ts>:<body>`). */
  slack(body: string, secret = SIGNING_SECRET): Promise<PostResult> {
    return this.post('/slack/events', body, slackHeaders(body, secret));
  }

  /** POSTs a Peeker webhook already signed (see {@link signedWebhook}). */
  webhook(signed: SignedWebhook): Promise<PostResult> {
    return this.post('/peeker/webhooks', signed.body, signed.headers);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Headers of a form body signed like Slack does (see test/helpers/slack-requests.ts). */
export function slackHeaders(body: string, secret = SIGNING_SECRET): Record<string, string> {
  return { 'content-type': FORM_CONTENT_TYPE, ...slackSignatureHeaders(body, secret) };
}

/** The form body of `/peeker <text>` as Slack sends it (see test/helpers/slack-requests.ts). */
export function slashCommandBody(
  text: string,
  responseUrl: string,
  options: { user?: string; channel?: string } = {},
): string {
  return slashCommandForm({ text, responseUrl, user: options.user, channel: options.channel });
}

/** The form body of an interactivity payload (see test/helpers/slack-requests.ts). */
export const interactionBody = interactionForm;

export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}

/** A webhook body with Peeker's headers, signed with the harness secret (as `deliverWebhook` does). */
export function signedWebhook(event: { id: string }, eventId = event.id): SignedWebhook {
  const body = JSON.stringify(event);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'peeker-event-id': eventId,
      ...signWebhook(body, WEBHOOK_SECRET),
    },
  };
}

// ---- the system under test ----------------------------------------------------------------------

/** Environment of an app under test: the harness's, with logging kept out of the measurement. */
export function benchEnv(
  slack: FakeSlack,
  peeker: FakePeeker,
  databasePath: string,
  env: Record<string, string> = {},
): Record<string, string> {
  return testEnv({ slack, peeker, databasePath, env: { LOG_LEVEL: 'error', ...env } });
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(os.tmpdir(), `peeker-bench-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * What `placeOrderThroughSlack` / `latestFormView` (test/helpers/order-flow.ts) need from a
 * harness; {@link asHarness} hands an in-process or remote app to them.
 */
export interface Driver {
  readonly slack: FakeSlack;
  readonly peeker: FakePeeker;
  readonly baseUrl: string;
  command(
    text: string,
    options?: { user?: string; channel?: string },
  ): Promise<{ status: number; ack: unknown; responseKey: string }>;
  interact(payload: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
}

/** The order-flow helpers only touch `command`, `interact` and `slack` of a Harness. */
export function asHarness(driver: Driver): Harness {
  return driver as unknown as Harness;
}

abstract class DriverBase implements Driver {
  abstract readonly slack: FakeSlack;
  abstract readonly peeker: FakePeeker;
  abstract readonly baseUrl: string;
  private clientCache: Client | undefined;

  get client(): Client {
    this.clientCache ??= new Client(this.baseUrl);
    return this.clientCache;
  }

  async command(text: string, options: { user?: string; channel?: string } = {}) {
    const responseKey = randomBytes(6).toString('hex');
    const result = await this.client.slack(
      slashCommandBody(text, this.slack.responseUrl(responseKey), options),
    );
    return { status: result.status, ack: parseAck<unknown>(result.body), responseKey };
  }

  async interact(payload: Record<string, unknown>) {
    const result = await this.client.slack(interactionBody(payload));
    return { status: result.status, body: parseAck<unknown>(result.body) };
  }

  protected closeClient(): void {
    this.clientCache?.close();
  }
}

/** The app in this process: for benchmarks that count calls or drive a fake clock. */
export class InProcessApp extends DriverBase {
  private constructor(
    readonly app: PeekerApp,
    readonly slack: FakeSlack,
    readonly peeker: FakePeeker,
    private readonly dir: { path: string; remove: () => void },
  ) {
    super();
  }

  static async start(
    options: {
      env?: Record<string, string>;
      now?: () => number;
      peekerRateWindowMs?: number;
      start?: boolean;
    } = {},
  ): Promise<InProcessApp> {
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    const dir = tempDir('app');
    const config = loadConfig(benchEnv(slack, peeker, join(dir.path, 'db.sqlite'), options.env));
    const app = createPeekerApp({
      config,
      logWrite: () => undefined,
      ...(options.now ? { now: options.now } : {}),
      ...(options.peekerRateWindowMs ? { peekerRateWindowMs: options.peekerRateWindowMs } : {}),
    });
    if (options.start ?? true) await app.start();
    return new InProcessApp(app, slack, peeker, dir);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.app.port()}`;
  }

  /** Commands, webhook events and the Slack outbox have nothing left to do now (as Harness.settle). */
  settle(timeoutMs = 20_000): Promise<void> {
    return settleApp(this.app, timeoutMs);
  }

  async stop(): Promise<void> {
    this.closeClient();
    await this.app.stop();
    await this.slack.stop();
    await this.peeker.stop();
    this.dir.remove();
  }
}

export type ChildMode = 'peeker' | 'bolt' | 'plain';

export interface ChildMemory extends NodeJS.MemoryUsage {
  gcExposed: boolean;
  /** Sizes of the SQLite file (`db`) and its `db-wal` and `db-shm` files, in bytes. */
  files: Record<string, number>;
}

interface ChildReply {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * The system under test in its own Node process (`bench/child.ts`, run with `--expose-gc`),
 * driven over HTTP and inspected over IPC. The fakes stay in this process.
 */
export class ChildApp extends DriverBase {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: ChildReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly readyMs: number,
    readonly slack: FakeSlack,
    readonly peeker: FakePeeker,
    private readonly dir: { path: string; remove: () => void },
    private readonly ownsFakes: boolean,
  ) {
    super();
    child.on('message', (message: ChildReply) => {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  static async start(
    mode: ChildMode,
    options: { env?: Record<string, string>; slack?: FakeSlack; peeker?: FakePeeker } = {},
  ): Promise<ChildApp> {
    const slack = options.slack ?? (await FakeSlack.start());
    const peeker = options.peeker ?? (await FakePeeker.start());
    const dir = tempDir(mode);
    const env = {
      ...process.env,
      ...benchEnv(slack, peeker, join(dir.path, 'db.sqlite'), options.env),
      BENCH_CHILD_MODE: mode,
    };
    const child = fork(join(BENCH_DIR, 'child.ts'), [], {
      cwd: ROOT_DIR,
      env,
      // BENCH_CHILD_EXEC_ARGV (diagnostics only), e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      execArgv: [
        '--expose-gc',
        '--import',
        TSX_IMPORT,
        ...(process.env.BENCH_CHILD_EXEC_ARGV?.split(' ').filter(Boolean) ?? []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<{ port: number; readyMs: number }>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench child (${mode}) exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (message: { type?: string; port?: number; readyMs?: number }) => {
        child.off('exit', onExit);
        if (message.type === 'ready' && typeof message.port === 'number') {
          resolve({ port: message.port, readyMs: message.readyMs ?? Number.NaN });
        } else reject(new Error(`unexpected first message from the bench child: ${JSON.stringify(message)}`));
      });
    });
    return new ChildApp(
      child,
      ready.port,
      ready.readyMs,
      slack,
      peeker,
      dir,
      !options.slack && !options.peeker,
    );
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Asks the child to do something (see bench/child.ts) and waits for its answer. */
  call<T = unknown>(type: string, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`bench child did not answer ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(`bench child failed ${type}: ${reply.error}`));
        else resolve(reply.result as T);
      });
      this.child.send({ id, type, ...args });
    });
  }

  /** Resident memory etc. of the child, after two full garbage collections. */
  memory(): Promise<ChildMemory> {
    return this.call<ChildMemory>('memory');
  }

  settle(timeoutMs = 60_000): Promise<void> {
    return this.call('settle', { timeoutMs }, timeoutMs + 10_000);
  }

  sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
    return this.call<T[]>('sql', { sql: query });
  }

  async stop(): Promise<void> {
    this.closeClient();
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    await this.call('stop', {}, 30_000).catch(() => this.child.kill('SIGKILL'));
    await exited;
    if (this.ownsFakes) {
      await this.slack.stop();
      await this.peeker.stop();
    }
    this.dir.remove();
  }
}

/** Runs `fn` with at most `concurrency` calls in flight until `count` calls were made. */
export async function pool(
  count: number,
  concurrency: number,
  fn: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

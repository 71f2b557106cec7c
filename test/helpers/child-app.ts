/**
 * The app in a child process, for the crash tests.
 *
 * Crash recovery can only be tested honestly in another process: `kill -9` gives the app no chance
 * to flush, close or finish anything. The app runs as `node --import tsx src/main.ts` (what
 * `npm run dev` runs, without the watcher) against the in-process fakes of Slack and Peeker, and is
 * driven through signed HTTP requests like Slack would send them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { FakeSlack } from '../fakes/fake-slack.js';
import type { FakePeeker } from '../fakes/peeker/index.js';
import { testEnv } from './harness.js';
import { interactionForm, parseAck, signedSlackPost, slashCommandForm } from './slack-requests.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_MSG = 'peeker for slack is ready';

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

export interface AppProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Parsed JSON log lines from stdout (non-JSON lines are kept as `{ msg: <raw line> }`). */
  logs: LogLine[];
  stderr: string[];
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** When the process was spawned (ms since epoch). */
  startedAt: number;
}

/**
 * The child's environment: the harness's (fakes, signing secrets, `databasePath`), on an ephemeral
 * port, polling every second and logging at info level; `extraEnv` overrides or adds variables
 * (e.g. `IMPORT_POLL_INTERVAL_SECONDS`, or a `SLACK_API_URL` pointing at a proxy).
 */
export function childEnv(
  slack: FakeSlack,
  peeker: FakePeeker,
  databasePath: string,
  extraEnv: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const passthrough: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) {
    if (process.env[name] !== undefined) passthrough[name] = process.env[name];
  }
  return {
    ...passthrough,
    ...testEnv({
      slack,
      peeker,
      databasePath,
      env: { PORT: '0', POLL_CRON: '* * * * * *', LOG_LEVEL: 'info', ...extraEnv },
    }),
  };
}

/**
 * Every child started by the current test. Each test file calls {@link ChildApps.killAll} from its
 * `afterEach`, so whatever is still alive is killed even when the test failed half-way.
 */
export class ChildApps {
  private readonly running = new Set<AppProcess>();

  /** Spawns the app and resolves once it logged that it is ready (with the port it listens on). */
  async start(env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<AppProcess> {
    const startedAt = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: LogLine[] = [];
    const stderr: string[] = [];
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const app: AppProcess = { child, port: 0, baseUrl: '', logs, stderr, exited, startedAt };
    this.running.add(app);
    createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`app not ready after ${timeoutMs} ms\n${describeOutput(app)}`)),
        timeoutMs,
      );
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let parsed: LogLine;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          parsed = { msg: line };
        }
        logs.push(parsed);
        if (parsed.msg === READY_MSG && typeof parsed.port === 'number') {
          clearTimeout(timer);
          resolve(parsed.port);
        }
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`app exited (${code ?? signal}) before it was ready\n${describeOutput(app)}`));
      });
    });
    app.port = await ready;
    app.baseUrl = `http://127.0.0.1:${app.port}`;
    return app;
  }

  /** `kill -9`, and wait until the process is gone. */
  async kill9(app: AppProcess): Promise<void> {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    const { signal } = await app.exited;
    this.running.delete(app);
    expect(signal).toBe('SIGKILL');
  }

  /** Stops tracking a child the test has ended itself (e.g. with SIGTERM). */
  forget(app: AppProcess): void {
    this.running.delete(app);
  }

  /** Kills every child still alive and waits until they are gone. */
  async killAll(): Promise<void> {
    await Promise.all(
      [...this.running].map(async (app) => {
        if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
        await app.exited;
      }),
    );
    this.running.clear();
  }
}

/** The child's recent output (the last 25 lines of stdout and of stderr), for error messages. */
export function describeOutput(app: AppProcess): string {
  const tail = app.logs.slice(-25).map((line) => JSON.stringify(line));
  return [`stdout (last ${tail.length} lines):`, ...tail, 'stderr:', ...app.stderr.slice(-25)].join('\n');
}

/** Polls `predicate` until it returns a truthy value; on timeout the child's recent output is shown. */
export async function waitUntil<T>(
  predicate: () => T | Promise<T>,
  description: string,
  options: { timeoutMs?: number; app?: AppProcess; intervalMs?: number } = {},
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        [
          `timed out waiting for: ${description}`,
          ...(lastError ? [`last error: ${String(lastError)}`] : []),
          ...(options.app ? [describeOutput(options.app)] : []),
        ].join('\n'),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

// ---- signed Slack requests to the child --------------------------------------------------------

/** Sends `/peeker <text>` to the child as Slack would: form-encoded and signed (as in the harness). */
export async function sendCommand(
  app: AppProcess,
  slack: FakeSlack,
  text: string,
  options: { channel?: string; user?: string } = {},
): Promise<{ status: number; ack: { text?: string } | undefined; responseKey: string }> {
  const responseKey = randomBytes(6).toString('hex');
  const body = slashCommandForm({
    text,
    responseUrl: slack.responseUrl(responseKey),
    channel: options.channel,
    user: options.user,
  });
  const response = await signedSlackPost(`${app.baseUrl}/slack/events`, body);
  const ack = parseAck(await response.text());
  return { status: response.status, ack, responseKey };
}

/** Sends an interactivity payload to the child (expects a 200) and resolves with its JSON answer. */
export async function interact(app: AppProcess, payload: Record<string, unknown>): Promise<unknown> {
  const response = await signedSlackPost(`${app.baseUrl}/slack/events`, interactionForm(payload));
  expect(response.status).toBe(200);
  const raw = await response.text();
  return raw ? (JSON.parse(raw) as unknown) : undefined;
}

// ---- health -------------------------------------------------------------------------------------

export interface Health {
  status: string;
  queues?: { slack_outbox: number; webhook_events_pending: number; commands_pending: number };
}

export async function health(app: AppProcess): Promise<Health> {
  const response = await fetch(`${app.baseUrl}/healthz`);
  return (await response.json()) as Health;
}

/** Whether the child has no queued Slack work, no pending webhook event and no unfinished command. */
export async function queuesEmpty(app: AppProcess): Promise<boolean> {
  const queues = (await health(app)).queues;
  return (
    queues !== undefined &&
    queues.slack_outbox === 0 &&
    queues.webhook_events_pending === 0 &&
    queues.commands_pending === 0
  );
}

// ---- the child's SQLite file --------------------------------------------------------------------

function useAndClose<T>(db: Database.Database, use: (db: Database.Database) => T): T {
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** Opens the app's SQLite file from the test (while the app is down, or concurrently thanks to WAL). */
export function withDb<T>(path: string, use: (db: Database.Database) => T): T {
  return useAndClose(new Database(path), (db) => {
    db.pragma('busy_timeout = 5000');
    return use(db);
  });
}

/** Opens the app's SQLite file read-only (it must exist) for the duration of `use`. */
export function readDb<T>(path: string, use: (db: Database.Database) => T): T {
  return useAndClose(new Database(path, { readonly: true, fileMustExist: true }), use);
}

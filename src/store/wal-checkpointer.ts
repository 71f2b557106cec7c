import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { Db } from './database.js';

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
 * pushes the WAL past 1,000 pages — usually an acknowledgement's or a webhook's one-row insert —
 * and copying the WAL back into the database (and syncing both, `synchronous = NORMAL`) blocks the
 * event loop for 10–20 ms on a virtual disk: background writes paid for in front of an ack.
 *
 * Instead a worker thread with its own connection to the same file runs PASSIVE checkpoints: a
 * few milliseconds apart while the WAL holds frames, `intervalMs` apart once it is empty. A
 * PASSIVE checkpoint never waits for, nor blocks, the app's reads and writes, and it syncs exactly
 * as the automatic one did, so durability is unchanged. The WAL starts over from its beginning at
 * the first commit after a checkpoint that reached its last frame; should writes keep landing
 * during the worker's checkpoints so that the WAL grows past `restartAfterFrames` (SQLite's own
 * 1,000 pages), the worker pauses and the app's connection checkpoints the few frames written
 * since the worker's last checkpoint (well under a millisecond). If the worker cannot run,
 * SQLite's automatic checkpoint is switched back on.
 */
export interface WalCheckpointer {
  /** Starts the worker (a no-op once stopped). */
  start(): void;
  /** Stops the worker (before the database is closed, which checkpoints one last time). */
  stop(): Promise<void>;
}

/** The worker: plain CommonJS, so it runs the same from `dist/` and under tsx or vitest. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
let timer;
let failingSince = 0;
let lastLog = 0;
let lastLongWalReport = 0;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('synchronous = NORMAL');
} catch (error) {
  parentPort.postMessage({ type: 'unavailable', error: String((error && error.message) || error) });
}
let paused = false;
function tick() {
  timer = undefined;
  if (paused) return;
  let delay = workerData.intervalMs;
  try {
    const row = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (failingSince) parentPort.postMessage({ type: 'recovered' });
    failingSince = 0;
    // \`log\` counts every frame in the WAL, copied or not: it stays up after a full checkpoint
    // until the next commit starts the WAL over. So work is frames not yet copied, or a WAL that
    // changed since the last look; an idle WAL of any length is left alone.
    const log = row ? row.log : 0;
    const grew = log > lastLog;
    const active = (row && row.log > row.checkpointed) || log !== lastLog;
    lastLog = log;
    if (active) {
      delay = workerData.busyIntervalMs;
      const now = Date.now();
      // Still growing past the limit: commits keep overlapping our checkpoints, so none of them
      // can start the WAL over.
      if (grew && log > workerData.restartAfterFrames && now - lastLongWalReport >= 250) {
        lastLongWalReport = now;
        parentPort.postMessage({ type: 'long', frames: log });
      }
    }
  } catch (error) {
    const message = String((error && error.message) || error);
    const now = Date.now();
    if (!failingSince) {
      failingSince = now;
      parentPort.postMessage({ type: 'failing', error: message });
    } else if (now - failingSince >= workerData.giveUpAfterMs) {
      // Only this connection may be failing (the file was replaced, say) while the app's writes
      // go on: hand checkpoints back to SQLite rather than let the WAL grow without bound.
      parentPort.postMessage({ type: 'unavailable', error: message });
      return;
    }
  }
  timer = setTimeout(tick, delay);
}
if (db) {
  parentPort.postMessage({ type: 'ready' });
  timer = setTimeout(tick, workerData.intervalMs);
}
parentPort.on('message', (message) => {
  if (message === 'pause') {
    paused = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
    parentPort.postMessage({ type: 'paused' });
    return;
  }
  if (message === 'resume') {
    paused = false;
    if (!timer) timer = setTimeout(tick, workerData.busyIntervalMs);
    return;
  }
  if (message !== 'stop') return;
  if (timer) clearTimeout(timer);
  try {
    if (db) db.close();
  } catch {}
  parentPort.close();
});
`;

/** SQLite's default: an automatic checkpoint once the WAL holds this many pages. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export function createWalCheckpointer(options: {
  db: Db;
  path: string;
  logger: Logger;
  /** Between two checkpoints of the worker while the WAL is empty. */
  intervalMs?: number;
  /** Between two checkpoints of the worker while the WAL holds frames. */
  busyIntervalMs?: number;
  /** WAL length (frames) past which the app's connection finishes a checkpoint itself. */
  restartAfterFrames?: number;
  /** How long the worker's checkpoints may keep failing before SQLite's own take over again. */
  giveUpAfterMs?: number;
}): WalCheckpointer {
  const { db, logger } = options;
  let worker: Worker | undefined;
  let finishing = false;
  let stopping = false;
  let stopped = false;

  /** The worker is gone or never came up: SQLite checkpoints in the app's commits again. */
  function fallBack(reason: string): void {
    worker = undefined;
    if (stopping || !db.open) return;
    logger.warn({ reason }, 'wal checkpoints: worker unavailable; back to automatic checkpoints');
    db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  }

  return {
    start() {
      if (worker || stopped || !db.open || db.memory) return;
      // Only a WAL database has checkpoints (a temporary or in-memory one has no file to share).
      if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return;
      stopping = false;
      let started: Worker;
      try {
        started = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: {
            path: options.path,
            driver: createRequire(import.meta.url).resolve('better-sqlite3'),
            intervalMs: options.intervalMs ?? 100,
            busyIntervalMs: options.busyIntervalMs ?? 5,
            restartAfterFrames: options.restartAfterFrames ?? SQLITE_AUTOCHECKPOINT_PAGES,
            giveUpAfterMs: options.giveUpAfterMs ?? 30_000,
          },
        });
      } catch (error) {
        return fallBack(String(error));
      }
      worker = started;
      // Only the app decides when the process ends.
      started.unref();
      started.on('message', (message: { type: string; error?: string }) => {
        switch (message.type) {
          case 'ready':
            if (worker === started && db.open) db.pragma('wal_autocheckpoint = 0');
            break;
          case 'unavailable':
            void started.terminate();
            fallBack(message.error ?? 'unavailable');
            break;
          case 'failing':
            // The database refuses writes (full disk, read-only file…): storage health reports it.
            logger.warn({ error: message.error }, 'wal checkpoint failed; retrying');
            break;
          case 'recovered':
            logger.info('wal checkpoints work again');
            break;
          case 'long':
            // Writes keep landing during the worker's checkpoints, so the WAL never starts over
            // (it does at the first commit after a checkpoint that reached its last frame). The
            // worker pauses; the writing connection checkpoints the few frames written since the
            // worker's last checkpoint (it cannot commit meanwhile), and its next commit starts
            // the WAL over.
            if (finishing) break;
            finishing = true;
            started.postMessage('pause');
            break;
          case 'paused':
            try {
              if (db.open && worker === started) db.pragma('wal_checkpoint(PASSIVE)');
            } catch (error) {
              logger.debug({ err: error }, 'wal checkpoint from the app connection failed');
            } finally {
              finishing = false;
              if (worker === started) started.postMessage('resume');
            }
            break;
        }
      });
      started.on('error', (error) => {
        if (worker === started) fallBack(String(error));
      });
      started.on('exit', () => {
        if (worker === started) fallBack('worker exited');
      });
    },
    async stop() {
      stopping = true;
      stopped = true;
      const running = worker;
      worker = undefined;
      if (!running) return;
      // Held (ref'd) while it winds down: shutdown must wait for it, not end the process under it.
      running.ref();
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 2_000);
      });
      await Promise.race([exited, timeout]);
      clearTimeout(timer);
      await running.terminate();
      if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    },
  };
}

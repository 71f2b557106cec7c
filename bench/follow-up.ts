/**
 * Benchmark — the digest and the App Home board with 5,000 imports and 1,000 orders in
 * the database: time per render and SQLite queries per render.
 *
 * The database is a real SQLite file filled through the app's own repositories: 5,000 imports (60%
 * waiting on the registrar — half of them for more than STUCK_AFTER_HOURS, each with the DNS checks'
 * per-domain findings — and 40% verified), 1,000 orders (60% live, 25% in progress — half stuck —
 * 15% needing attention, with 1–2 open actions each), every one with its posted status message.
 * Half of everything belongs to one person (the heaviest board); the rest is spread over 19 people.
 * What is measured is exactly what production runs: `createFollowUp` (the digest builder with every
 * section wired, the board renderer) over a `Db` whose statements count their executions.
 * - digest: `builder.build(now)` + `renderDigest` (what a slot's message and `/peeker digest` do);
 * - board: one person's `board.render(user, now)` (what `app_home_opened` and a refresh do).
 * Baseline: reading the imports table once (`SELECT * FROM imports`, 5,000 rows) in the same run.
 * The same renders on a database 100× smaller show whether the query count grows with the data.
 */
import { WebClient } from '@slack/web-api';
import { createLogger, SecretScrubber } from '../src/logger.js';
import { createFollowUp } from '../src/services/follow-up.js';
import { type Db, openDatabase } from '../src/store/database.js';
import { createDnsRepo } from '../src/store/dns-repo.js';
import { createImportsRepo } from '../src/store/imports-repo.js';
import { createOrderActionsRepo } from '../src/store/order-actions-repo.js';
import { createOrdersRepo } from '../src/store/orders-repo.js';
import { createSlackOutboxRepo } from '../src/store/slack-outbox-repo.js';
import { createStorageHealth } from '../src/store/storage-health.js';
import { renderDigest } from '../src/views/digest.js';
import { seedAction, seedDns, seedImport, seedOrder } from '../test/helpers/follow-up-fixtures.js';
import { type Benchmark, ms, type ResultRow, ratio, summarize, tempDir } from './lib.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2030, 0, 9, 8, 0, 0);
const HEAVY_USER = 'UOPS';
const TYPICAL_USER = 'U07';
/** Six list and count queries, plus the DNS findings of each waiting import among the 60 read. */
const BOARD_QUERY_BOUND = 66;

/** A `Db` whose prepared statements count every execution (run, get, all, iterate). */
function countingDb(db: Db): { db: Db; queries: () => number } {
  let count = 0;
  const counted = new Set(['run', 'get', 'all', 'iterate']);
  const wrap = (statement: object) =>
    new Proxy(statement, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (!counted.has(String(property))) return value.bind(target);
        return (...args: unknown[]) => {
          count += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const proxy = new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'prepare') return (sql: string) => wrap(target.prepare(sql));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: proxy, queries: () => count };
}

const owner = (n: number) => (n % 2 === 0 ? HEAVY_USER : `U${String((n % 19) + 1).padStart(2, '0')}`);

/** Fills `db` with `imports` imports and `orders` orders (see the header for the mix). */
function seed(db: Db, imports: number, orders: number): void {
  const importsRepo = createImportsRepo(db);
  const ordersRepo = createOrdersRepo(db);
  const actions = createOrderActionsRepo(db);
  const outbox = createSlackOutboxRepo(db);
  const dns = createDnsRepo(db);
  db.transaction(() => {
    for (let n = 0; n < imports; n += 1) {
      const id = `imp_${n}`;
      const waiting = n % 5 < 3;
      const submittedAt = waiting ? NOW - (n % 2 === 0 ? 2 * DAY : 3 * HOUR) - n : NOW - 10 * DAY - n;
      seedImport({ imports: importsRepo, outbox }, id, {
        requestedBy: owner(n),
        channelId: `C${String(n % 300).padStart(4, '0')}`,
        phase: waiting ? (n % 3 === 0 ? 'waiting_on_registrar' : 'awaiting_dns') : 'verified',
        submittedAt,
        finishedAt: waiting ? null : NOW - (n % 4) * DAY,
      });
      if (waiting) {
        seedDns(
          dns,
          id,
          [
            {
              domain: `${id}-a.com`,
              state: 'elsewhere',
              nameservers: ['ns1.domaincontrol.com'],
              registrar: 'godaddy',
            },
            { domain: `${id}-b.com`, state: n % 4 === 0 ? 'pointing' : 'not_found' },
          ],
          NOW - HOUR,
        );
      }
    }
    for (let n = 0; n < orders; n += 1) {
      const id = `ord_${n}`;
      const kind = n % 20;
      const status = kind < 12 ? 'completed' : kind < 17 ? 'in_progress' : 'action_required';
      seedOrder({ orders: ordersRepo, outbox }, id, {
        placedBy: owner(n),
        channelId: `C${String(n % 300).padStart(4, '0')}`,
        status,
        createdAt: NOW - (n % 2 === 0 ? 3 * DAY : 5 * HOUR) - n,
        updatedAt: NOW - (n % 6) * DAY,
        connected: status === 'completed' ? 2 : n % 2,
      });
      if (status === 'action_required') {
        seedAction(actions, id, `act_${n}_1`, NOW - HOUR - n);
        if (n % 2 === 0) seedAction(actions, id, `act_${n}_2`, NOW - HOUR - n);
      }
    }
  })();
}

function build(path: string, imports: number, orders: number) {
  const raw = openDatabase(path);
  seed(raw, imports, orders);
  const { db, queries } = countingDb(raw);
  const logger = createLogger({ level: 'error', scrubber: new SecretScrubber([]), write: () => undefined });
  const followUp = createFollowUp({
    db,
    settings: {
      digestChannel: 'CDIGEST',
      digestCron: '0 9 * * 1-5',
      digestTimezone: 'UTC',
      nudgeAfterMs: DAY,
      stuckAfterMs: DAY,
    },
    pollCron: '* * * * *',
    imports: createImportsRepo(db),
    outbox: createSlackOutboxRepo(db),
    storage: createStorageHealth(db, () => NOW),
    // Never called here: the renders read SQLite only (links are left out until the workspace URL is known).
    client: new WebClient('xoxb-bench', { slackApiUrl: 'http://127.0.0.1:9/api/' }),
    dns: createDnsRepo(db),
    isSandbox: () => false,
    logger,
    now: () => NOW,
  });
  return { raw, followUp, queries };
}

/** Times `work` `runs` times (after a few warm-up runs) and counts the queries of one run. */
function measure(work: () => unknown, queries: () => number, runs: number) {
  for (let i = 0; i < 5; i += 1) work();
  const before = queries();
  work();
  const perRun = queries() - before;
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return { time: summarize(samples), queries: perRun };
}

export const followUpRendering: Benchmark = {
  name: 'follow-up',
  title: 'digest and Home board rendering with 5,000 imports and 1,000 orders',
  async run({ quick, log }) {
    const runs = quick ? 50 : 300;
    const dir = tempDir('peeker-bench-follow-up-');
    try {
      log('seeding 5,000 imports and 1,000 orders…');
      const big = build(`${dir.path}/big.sqlite`, 5000, 1000);
      const small = build(`${dir.path}/small.sqlite`, 50, 10);

      const scan = big.raw.prepare('SELECT * FROM imports');
      const baseline = measure(
        () => scan.all(),
        () => 0,
        runs,
      ).time;

      const digestOf = (app: typeof big) => () => renderDigest(app.followUp.builder.build(NOW));
      const boardOf = (app: typeof big, user: string) => () => app.followUp.board.render(user, NOW);
      const digest = measure(digestOf(big), big.queries, runs);
      const heavy = measure(boardOf(big, HEAVY_USER), big.queries, runs);
      const typical = measure(boardOf(big, TYPICAL_USER), big.queries, runs);
      const smallDigest = measure(digestOf(small), small.queries, runs);
      const smallBoard = measure(boardOf(small, HEAVY_USER), small.queries, runs);

      const model = big.followUp.builder.build(NOW);
      const board = big.followUp.board.render(HEAVY_USER, NOW);
      const notes = [
        `digest lists ${model.sections.map((s) => `${s.kind} ${s.total}`).join(', ')}; the heavy board has ${board.view.blocks.length} blocks`,
        `baseline: SELECT * FROM imports (5,000 rows) p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)}`,
        `${runs} timed renders each after 5 warm-up renders`,
      ];
      const row = (
        metric: string,
        value: number,
        base: number,
        target: string,
        pass?: boolean,
      ): ResultRow => ({
        metric,
        value: ms(value),
        baseline: ms(base),
        ratio: ratio(value, base),
        target,
        pass,
      });
      const count = (
        metric: string,
        value: number,
        smallValue: number,
        bound: number,
        target: string,
      ): ResultRow => ({
        metric,
        value: String(value),
        baseline: `${smallValue} (50 imports, 10 orders)`,
        ratio: ratio(value, smallValue),
        target,
        pass: value <= bound,
      });
      return {
        rows: [
          row('digest: build + render, p50', digest.time.p50, baseline.p50, ''),
          row(
            'digest: build + render, p99',
            digest.time.p99,
            baseline.p99,
            '< 100 ms (inside the 3 s ack)',
            digest.time.p99 < 100,
          ),
          count(
            'digest: SQLite queries per render',
            digest.queries,
            smallDigest.queries,
            smallDigest.queries,
            'does not grow with the data',
          ),
          row('board, person with 2,500 imports + 500 orders, p50', heavy.time.p50, baseline.p50, ''),
          row(
            'board, person with 2,500 imports + 500 orders, p99',
            heavy.time.p99,
            baseline.p99,
            '< 100 ms',
            heavy.time.p99 < 100,
          ),
          count(
            'board (heavy): SQLite queries per render',
            heavy.queries,
            smallBoard.queries,
            BOARD_QUERY_BOUND,
            `≤ ${BOARD_QUERY_BOUND} (6 + one DNS read per waiting import listed, ≤ 60)`,
          ),
          row('board, person with ~130 imports + ~25 orders, p50', typical.time.p50, baseline.p50, ''),
          row(
            'board, person with ~130 imports + ~25 orders, p99',
            typical.time.p99,
            baseline.p99,
            '< 100 ms',
            typical.time.p99 < 100,
          ),
          {
            metric: 'board (typical): SQLite queries per render',
            value: String(typical.queries),
            baseline: '',
            ratio: '',
            target: '',
          },
          row('digest on the small database, p50', smallDigest.time.p50, baseline.p50, ''),
          row('board on the small database, p50', smallBoard.time.p50, baseline.p50, ''),
        ],
        notes,
      };
    } finally {
      dir.remove();
    }
  },
};

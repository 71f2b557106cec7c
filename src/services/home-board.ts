import { createHash } from 'node:crypto';
import type { HomeView } from '@slack/types';
import type { BoardImportRow, BoardOrderRow, HomeBoardsRepo } from '../store/home-boards-repo.js';
import {
  type BoardImportView,
  type BoardOrderView,
  type HomeBoardModel,
  renderHomeBoard,
} from '../views/home.js';
import type { LinkOf } from './digest.js';
import { isWaitingOnNameservers } from './import-dns.js';
import { toActionView } from './order-tracker.js';
import { isNotSwitched, pendingWithDns, type WaitingDnsSource } from './waiting-dns.js';

/** Finished imports and orders stay on the board this long ("recently verified"). */
export const BOARD_RECENT_MS = 3 * 24 * 3600_000;
/** Rows read per list: more than a Home tab can show, so "…and N more" is right. */
const IMPORT_ROWS = 60;
const ORDER_ROWS = 60;
const ACTION_ROWS = 15;

export interface HomeBoardDeps {
  boards: HomeBoardsRepo;
  dns?: WaitingDnsSource | undefined;
  linkOf: LinkOf;
  /** `STUCK_AFTER_HOURS` in ms. */
  stuckAfterMs: number;
  isSandbox: () => boolean;
}

export interface RenderedBoard {
  view: HomeView;
  /**
   * What the board shows, without the ages that change every minute: a different signature means
   * one of the person's items changed, and the board is published again.
   */
  signature: string;
}

/** Builds each person's App Home board from the database. */
export function createHomeBoard(deps: HomeBoardDeps) {
  function importView(row: BoardImportRow, now: number): BoardImportView {
    const waiting = isWaitingOnNameservers(row.phase);
    const ageMs =
      waiting || row.phase === 'preparing' ? now - row.waitingSince : now - (row.finishedAt ?? now);
    let dns: BoardImportView['dns'] = null;
    if (waiting) {
      const domains = pendingWithDns(row.pendingDomains, deps.dns?.statesOf(row.importId));
      const notSwitched = domains.filter(isNotSwitched);
      dns = { pending: domains.length, switched: domains.length - notSwitched.length, notSwitched };
    }
    return {
      domains: row.firstDomains,
      domainCount: row.domainCount,
      channelId: row.channelId,
      phase: row.phase,
      ageMs,
      stuck: waiting && now - row.waitingSince > deps.stuckAfterMs,
      dns,
      link: deps.linkOf(row.thread),
    };
  }

  function orderView(row: BoardOrderRow, now: number): BoardOrderView {
    const ageMs = now - row.createdAt;
    return {
      orderId: row.orderId,
      customerEmail: row.customerEmail,
      bundleName: row.bundleName,
      connected: row.connected,
      domainCount: row.domainCount,
      status: row.status,
      openActions: row.openActions,
      channelId: row.channelId,
      ageMs,
      stuck:
        row.openActions > 0 ||
        row.status === 'action_required' ||
        (row.status === 'in_progress' && ageMs > deps.stuckAfterMs),
      link: deps.linkOf(row.thread),
    };
  }

  /** Stuck first, keeping the repository's order otherwise (unfinished before recently finished). */
  const stuckFirst = <T extends { stuck: boolean }>(items: T[]): T[] => [
    ...items.filter((item) => item.stuck),
    ...items.filter((item) => !item.stuck),
  ];

  function modelFor(userId: string, now: number): HomeBoardModel {
    const recent = now - BOARD_RECENT_MS;
    const imports = deps.boards.importsOf(userId, recent, IMPORT_ROWS);
    const orders = deps.boards.ordersOf(userId, recent, ORDER_ROWS);
    const actions = deps.boards.openActionsOf(userId, ACTION_ROWS);
    return {
      sandbox: deps.isSandbox(),
      stuckAfterMs: deps.stuckAfterMs,
      actions: { total: actions.total, rows: actions.rows.map(toActionView) },
      imports: { total: imports.total, rows: stuckFirst(imports.rows.map((row) => importView(row, now))) },
      orders: { total: orders.total, rows: stuckFirst(orders.rows.map((row) => orderView(row, now))) },
    };
  }

  /** The model without what changes by itself as time passes (ages), hashed. */
  function signatureOf(model: HomeBoardModel): string {
    const stable = {
      sandbox: model.sandbox,
      actions: [model.actions.total, model.actions.rows.map((action) => action.id)],
      imports: [
        model.imports.total,
        model.imports.rows.map((item) => [item.domains, item.phase, item.stuck, item.dns, item.link]),
      ],
      orders: [
        model.orders.total,
        model.orders.rows.map((item) => [
          item.orderId,
          item.status,
          item.connected,
          item.openActions,
          item.stuck,
          item.link,
        ]),
      ],
    };
    return createHash('sha1').update(JSON.stringify(stable)).digest('hex');
  }

  return {
    modelFor,
    /** The person's board and its signature. */
    render(userId: string, now: number): RenderedBoard {
      const model = modelFor(userId, now);
      return { view: renderHomeBoard(model), signature: signatureOf(model) };
    },
  };
}

export type HomeBoard = ReturnType<typeof createHomeBoard>;

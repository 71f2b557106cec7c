/**
 * Acks first. Everything the app does after an answer was sent — acknowledged commands, the Slack
 * outbox, applying stored webhook events, DNS checks — is background work, and it must never sit
 * in front of a request waiting for its answer (Slack wants its ack within 3 s, Peeker its 2xx).
 *
 * Background work waits at its step boundaries with `await gate.turn()`. A turn is granted on a
 * later turn of the event loop, one waiter per loop turn (so a burst of background steps never
 * runs back to back), and only when no request is being answered, none arrived during the
 * previous loop turn (requests already read by the kernel are picked up by that turn's poll
 * phase) and the last answer is `graceMs` old (the next request of a burst usually follows within
 * that). So between two steps of background work every request that arrived meanwhile is answered
 * first, and a request waits at most for the one step that was running when it came in.
 *
 * Background work is never starved: while requests keep arriving without a pause, one waiter is
 * still let through every `maxDeferMs`; and a request counts as being answered for at most
 * `requestBudgetMs` (one that takes longer is waiting on the network, not on the CPU, e.g. a slow
 * client sending its body).
 */
export interface BackgroundGate {
  /** A request came in: background work waits until the returned function is called (idempotent). */
  enter(): () => void;
  /** Resolves on a later turn of the event loop when no request is waiting for an answer. */
  turn(): Promise<void>;
}

export interface BackgroundGateOptions {
  /** Longest a waiter is held while requests keep arriving (then one goes through per this period). */
  maxDeferMs?: number;
  /** Longest a single request holds background work back. */
  requestBudgetMs?: number;
  /** Quiet time after the last answer before background work goes on (the next request of a burst). */
  graceMs?: number;
  now?: () => number;
}

/** A gate with no requests to wait for: each turn is simply a later turn of the event loop. */
export const nextTurnGate: BackgroundGate = {
  enter: () => () => undefined,
  turn: () => new Promise<void>((resolve) => setImmediate(resolve)),
};

export function createBackgroundGate(options: BackgroundGateOptions = {}): BackgroundGate {
  const maxDeferMs = options.maxDeferMs ?? 100;
  const requestBudgetMs = options.requestBudgetMs ?? 1_000;
  const graceMs = options.graceMs ?? 2;
  const now = options.now ?? (() => performance.now());
  /** Requests being answered, by id, with the time they came in. */
  const requests = new Map<number, number>();
  let nextRequestId = 0;
  /** Requests arrived since the last loop turn looked (a quiet turn has none). */
  let arrivedSinceLastTurn = false;
  const waiting: (() => void)[] = [];
  let lastGrantAt = now();
  /** When the last request was answered: more often come right after it (a burst). */
  let lastAnsweredAt = Number.NEGATIVE_INFINITY;
  let immediate: NodeJS.Immediate | undefined;
  /** The timer that looks again, and when it fires (a sooner look replaces it). */
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Number.POSITIVE_INFINITY;

  function busy(at: number): boolean {
    for (const [id, since] of requests) {
      if (at - since < requestBudgetMs) return true;
      requests.delete(id);
    }
    return false;
  }

  function schedule(): void {
    if (immediate || waiting.length === 0) return;
    immediate = setImmediate(tick);
  }

  function tick(): void {
    immediate = undefined;
    if (waiting.length === 0) return;
    const at = now();
    const arrived = arrivedSinceLastTurn;
    arrivedSinceLastTurn = false;
    const answering = busy(at);
    const quietFor = at - lastAnsweredAt;
    if ((!arrived && !answering && quietFor >= graceMs) || at - lastGrantAt >= maxDeferMs) {
      lastGrantAt = at;
      waiting.shift()?.();
      schedule();
      return;
    }
    if (!answering && quietFor >= graceMs) {
      // A request arrived and was answered within the last turn: look again next turn.
      schedule();
      return;
    }
    // Wait until the last request is answered (`leave` looks again), the grace after it is over,
    // a waiter is overdue, or the oldest request runs out of its budget.
    let wait = maxDeferMs - (at - lastGrantAt);
    if (answering) for (const since of requests.values()) wait = Math.min(wait, since + requestBudgetMs - at);
    else wait = Math.min(wait, graceMs - quietFor);
    lookAgainIn(Math.max(1, Math.ceil(wait)), at);
  }

  /** Arms the timer that looks again, unless one already fires sooner. */
  function lookAgainIn(ms: number, at: number): void {
    const due = at + ms;
    if (timer && timerDue <= due) return;
    if (timer) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(() => {
      timer = undefined;
      timerDue = Number.POSITIVE_INFINITY;
      schedule();
    }, ms);
  }

  return {
    enter() {
      const id = nextRequestId++;
      requests.set(id, now());
      arrivedSinceLastTurn = true;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        requests.delete(id);
        lastAnsweredAt = now();
        if (requests.size === 0) schedule();
      };
    },
    turn() {
      return new Promise<void>((resolve) => {
        // Overdue counts from when work started waiting, not from the last grant: after a quiet
        // spell the first waiter must still let the requests in flight go first.
        if (waiting.length === 0) lastGrantAt = now();
        waiting.push(resolve);
        schedule();
      });
    },
  };
}

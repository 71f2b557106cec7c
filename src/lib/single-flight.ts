/**
 * Runs `work` in the background, never twice at once: a trigger while it runs asks for exactly one
 * more run after it, however many triggers arrive meanwhile (a burst of webhooks, say, becomes
 * one pass plus one more). Errors are handed to `onError`; the next trigger runs again.
 */
export interface SingleFlight {
  /** Run soon (now, or once more after the current run). */
  trigger(): void;
  /** Resolves when nothing is running and no run is pending. */
  idle(): Promise<void>;
}

export function singleFlight(work: () => Promise<unknown>, onError: (error: unknown) => void): SingleFlight {
  let running: Promise<void> | undefined;
  let again = false;

  const start = (): void => {
    running = (async () => {
      do {
        again = false;
        try {
          await work();
        } catch (error) {
          onError(error);
        }
      } while (again);
    })().finally(() => {
      running = undefined;
    });
  };

  return {
    trigger() {
      if (running) again = true;
      else start();
    },
    async idle() {
      while (running) await running;
    },
  };
}

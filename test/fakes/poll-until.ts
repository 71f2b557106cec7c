import { setTimeout as delay } from 'node:timers/promises';

/** A value without its falsy members (what a successful `pollUntil` returns). */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | '' | 0n>;

/**
 * Polls `predicate` every 10 ms until it returns a truthy value. A predicate that throws counts
 * as "not yet". On timeout the error says what was awaited, the last predicate error and
 * whatever `context()` adds (the fakes list their most recent requests).
 */
export async function pollUntil<T>(
  predicate: () => T | Promise<T>,
  options: { timeoutMs: number; label: string; description?: string | undefined; context: () => string },
): Promise<Truthy<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as Truthy<T>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const lines = [
        `${options.label}.waitFor timed out after ${options.timeoutMs} ms${options.description ? `: ${options.description}` : ''}`,
        ...(lastError
          ? [`last predicate error: ${lastError instanceof Error ? lastError.message : String(lastError)}`]
          : []),
        options.context(),
      ];
      throw new Error(lines.join('\n'));
    }
    await delay(10);
  }
}

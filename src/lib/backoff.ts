/**
 * Exponential backoff with "equal jitter" (the delay is ½–1× the exponential step), the scheme
 * stripe-node and the AWS architecture blog recommend: retries spread out instead of arriving
 * together, yet never come sooner than half the step.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 *
 * Every caller names its own constants, so each retry policy reads where it is used.
 */
export interface BackoffPolicy {
  /** The delay of the first retry (attempt 0), before jitter. */
  baseMs: number;
  /** No delay exceeds this, before jitter. */
  capMs: number;
  /** Set to false for a deterministic delay (no jitter). */
  jitter?: boolean;
}

/**
 * The delay before retry number `attempt` (0 for the first retry), in whole milliseconds.
 * `random` is injectable so tests can pin the jitter.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  const factor = policy.jitter === false ? 1 : 0.5 + random() / 2;
  return Math.round(step * factor);
}

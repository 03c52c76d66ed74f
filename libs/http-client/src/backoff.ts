/**
 * The one backoff of Bazaar (http-client retries, the messaging reconnect/relay loops, payments'
 * provider retries), importable without the HTTP client as `@bazaar/http-client/backoff`.
 *
 * The exponential step: `baseMs` doubled `attempt` times (attempt 0 is `baseMs`), capped at
 * `maxMs`. The exponent stops at 20 so a long outage never computes `Infinity` (or `NaN` for a
 * zero base); every configured cap is reached long before that.
 */
export function backoffStep(attempt: number, baseMs: number, maxMs = Infinity): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
}

/**
 * Exponential backoff with "equal jitter": half the step fixed, half random, in whole
 * milliseconds, so retries of many callers spread out but never fire immediately one after
 * another.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const step = backoffStep(attempt, baseMs, maxMs);
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/** Parses `Retry-After` (delta-seconds or an HTTP date) into whole seconds; undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export interface EventuallyOptions<T> {
  /** Give up after this long (generous by default: the machine is shared). */
  timeoutMs?: number;
  /** Pause between two checks. */
  intervalMs?: number;
  /** Accept the value only when this holds (default: any value but undefined, null or false). */
  until?: (value: T) => boolean;
  /** What is awaited, for the error when it does not come (a function: read at that moment). */
  what?: string | (() => string);
}

/**
 * Checks again and again until the check gives a value the test accepts, then resolves with it:
 * the one way a test waits for something asynchronous (a row, a message, a state), never a fixed
 * sleep. A check that throws counts as "not yet"; at the timeout the error names what was
 * awaited and the last value or error seen.
 *
 *     const row = await eventually(() => findOrder(db, id), { until: (o) => o?.status === 'paid' });
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  options: EventuallyOptions<Awaited<T>> = {},
): Promise<Exclude<Awaited<T>, undefined | null | false>> {
  const { timeoutMs = 25_000, intervalMs = 100, until, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: { value?: unknown; error?: unknown } = {};
  for (;;) {
    try {
      const value = await check();
      last = { value };
      const accepted = until
        ? until(value)
        : value !== undefined && value !== null && value !== false;
      if (accepted) return value as Exclude<Awaited<T>, undefined | null | false>;
    } catch (error) {
      last = { error };
    }
    if (Date.now() > deadline) {
      const seen =
        'error' in last
          ? `last error: ${String(last.error)}`
          : `last value: ${describe(last.value)}`;
      const named = typeof what === 'function' ? what() : what;
      throw new Error(`${named} not met within ${timeoutMs} ms; ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

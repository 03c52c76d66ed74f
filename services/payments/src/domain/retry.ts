import { setTimeout as sleep } from 'node:timers/promises';
import { backoffStep } from '@bazaar/http-client/backoff';
import { ProviderTransientError } from '../providers/provider.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Pause before the second try; doubled before each further one. */
  backoffMs: number;
  /**
   * Longest one try may take; a try without an answer by then is a transient failure (retried
   * with the same idempotency key, so a late answer to the first try changes nothing).
   */
  timeoutMs?: number;
}

/** `call()`, or a `ProviderTransientError` once `timeoutMs` passed without an answer. */
function withTimeout<T>(call: () => Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return call();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new ProviderTransientError(`the provider gave no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([call(), timedOut]).finally(() => clearTimeout(timer));
}

export type Tried<T> =
  { ok: true; value: T; failures: Error[] } | { ok: false; failures: Error[]; transient: boolean };

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Calls a provider until it answers, retrying only `ProviderTransientError` (a try past
 * `timeoutMs` is one) with exponential backoff. Every failure is returned so the ledger can
 * record each try.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
): Promise<Tried<T>> {
  const failures: Error[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await withTimeout(call, policy.timeoutMs), failures };
    } catch (error) {
      failures.push(asError(error));
      const transient = error instanceof ProviderTransientError;
      if (!transient || attempt >= policy.attempts) return { ok: false, failures, transient };
      await sleep(backoffStep(attempt - 1, policy.backoffMs));
    }
  }
}

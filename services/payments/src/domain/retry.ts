import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderTransientError } from '../providers/provider.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Pause before the second try; doubled before each further one. */
  backoffMs: number;
}

export type Tried<T> =
  { ok: true; value: T; failures: Error[] } | { ok: false; failures: Error[]; transient: boolean };

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Calls a provider until it answers, retrying only `ProviderTransientError` with exponential
 * backoff. Every failure is returned so the ledger can record each try.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
): Promise<Tried<T>> {
  const failures: Error[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await call(), failures };
    } catch (error) {
      failures.push(asError(error));
      const transient = error instanceof ProviderTransientError;
      if (!transient || attempt >= policy.attempts) return { ok: false, failures, transient };
      await sleep(policy.backoffMs * 2 ** (attempt - 1));
    }
  }
}

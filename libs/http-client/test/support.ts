import { UpstreamUnavailableError } from '../src/index.js';

/** The `UpstreamUnavailableError` a call must end in (any other outcome fails the test). */
export async function unavailable(promise: Promise<unknown>): Promise<UpstreamUnavailableError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpstreamUnavailableError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

/** Why a dependency could not give an answer. */
export type UnavailableReason =
  /** The connection was refused or reset before an answer (nothing listens, a pod restarts). */
  | 'unreachable'
  /** No answer within the client's timeout. */
  | 'timeout'
  /** The circuit breaker is open: recent calls failed, so this one was not even tried. */
  | 'circuit_open'
  /** The dependency answered 5xx (after the retries allowed). */
  | 'server_error';

/**
 * A dependency could not give a usable answer. Callers map it to `503` with a `Retry-After`
 * of {@link retryAfter} seconds. The message names the service but never its address, so it is
 * safe to log; it is still not meant for the public.
 */
export class UpstreamUnavailableError extends Error {
  constructor(
    /** The client's `name` (`catalog`, `orders`, ...). */
    readonly service: string,
    readonly reason: UnavailableReason,
    /** Seconds after which trying again is sensible (at least 1). */
    readonly retryAfter: number,
    /** The last status the dependency answered, for `server_error`. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${service} is unavailable (${reason.replace('_', ' ')}${status ? ` ${status}` : ''})`,
      options,
    );
    this.name = 'UpstreamUnavailableError';
  }
}

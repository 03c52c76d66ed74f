import CircuitBreaker from 'opossum';
import { BREAKER_STATE, clientEvents, type BreakerView } from './metrics.js';
import { errorCode } from './request-parts.js';
import type { BreakerOptions, ClientLogger, RequestOptions } from './service-client.js';
import type { Unavailable } from './transport.js';
import { UpstreamUnavailableError } from './upstream-unavailable-error.js';

export type CallKind = 'request' | 'stream';

export interface GuardOptions {
  name: string;
  /** Tuning (opossum); `false` disables the breaker. */
  breaker: BreakerOptions | false | undefined;
  /** The guarded call. */
  call: (kind: CallKind, request: RequestOptions) => Promise<unknown>;
  unavailable: Unavailable;
  logger?: ClientLogger;
}

export interface Guard {
  fire<R>(kind: CallKind, request: RequestOptions): Promise<R>;
  isOpen(): boolean;
  shutdown(): void;
}

/**
 * The circuit breaker around a client's calls: only a dependency's unavailability counts against
 * it, and an open breaker answers `circuit_open` with the seconds until it lets a trial through.
 */
export function createGuard(options: GuardOptions): Guard {
  const { call, unavailable } = options;
  let openedAt = 0;
  const breakerOptions = options.breaker === false ? undefined : (options.breaker ?? {});
  const resetTimeout = breakerOptions?.resetTimeoutMs ?? 5000;
  const breaker = breakerOptions
    ? new CircuitBreaker(call, {
        timeout: false,
        errorThresholdPercentage: breakerOptions.errorThresholdPercentage ?? 50,
        volumeThreshold: breakerOptions.volumeThreshold ?? 10,
        resetTimeout,
        rollingCountTimeout: breakerOptions.rollingCountTimeoutMs ?? 10_000,
        // The breaker decides on counts (fires, failures) only. opossum's defaults also keep every
        // call's latency in its window and, once a second, concatenate and sort them all for a
        // percentile snapshot nobody reads: at a few thousand calls a second, a sort of tens of
        // thousands of numbers each second and an array push per call.
        rollingPercentilesEnabled: false,
        enableSnapshots: false,
        // Only a dependency's unavailability counts against it; a caller that went away does not.
        errorFilter: (error: unknown) => !(error instanceof UpstreamUnavailableError),
      })
    : undefined;
  breaker?.on('open', () => {
    openedAt = Date.now();
    clientEvents.opened(options.name);
    options.logger?.warn({ upstream: options.name }, 'circuit breaker opened');
  });
  breaker?.on('close', () =>
    options.logger?.info({ upstream: options.name }, 'circuit breaker closed'),
  );
  if (breaker) {
    // Its state and events as metrics (metrics.ts). Only unavailability is a `failure` here (the
    // errorFilter above), so its reason says why: timeout, unreachable, server_error.
    const view: BreakerView = {
      upstream: options.name,
      state: () =>
        breaker.opened
          ? BREAKER_STATE.open
          : breaker.halfOpen
            ? BREAKER_STATE.half_open
            : BREAKER_STATE.closed,
    };
    clientEvents.breakerCreated(view);
    breaker.on('shutdown', () => clientEvents.breakerShutdown(view));
    breaker.on('reject', () => clientEvents.rejected(options.name));
    breaker.on('failure', (error: unknown) =>
      clientEvents.failed(
        options.name,
        error instanceof UpstreamUnavailableError ? error.reason : 'other',
      ),
    );
  }

  async function fire<R>(kind: CallKind, request: RequestOptions): Promise<R> {
    if (!breaker) return call(kind, request) as Promise<R>;
    try {
      return (await breaker.fire(kind, request)) as R;
    } catch (error) {
      if (errorCode(error) === 'EOPENBREAKER') {
        const remaining = Math.ceil((openedAt + resetTimeout - Date.now()) / 1000);
        throw unavailable('circuit_open', remaining);
      }
      throw error;
    }
  }

  return { fire, isOpen: () => breaker?.opened ?? false, shutdown: () => breaker?.shutdown() };
}

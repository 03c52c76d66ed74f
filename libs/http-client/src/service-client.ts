import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import CircuitBreaker from 'opossum';
import { Pool, errors as undiciErrors } from 'undici';
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import {
  buildPath,
  errorCode,
  readBody,
  TIMEOUT_CODES,
  TimedOut,
  UNREACHABLE_CODES,
  type Attempt,
} from './request-parts.js';
import { UpstreamUnavailableError, type UnavailableReason } from './upstream-unavailable-error.js';

export type QueryValue = string | number | boolean;

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ServiceClientOptions {
  /** The dependency's name, in errors and logs (`catalog`). */
  name: string;
  /** Where it listens: `http://127.0.0.1:8081` (a path prefix is kept). */
  baseUrl: string;
  /** Longest one attempt may take, connect to last body byte; default 2000 ms. */
  timeoutMs?: number;
  /** Extra attempts for idempotent requests; default 2 (so three attempts at most). */
  retries?: number;
  /** First backoff step; doubled per retry, with jitter; default 100 ms. */
  retryBaseDelayMs?: number;
  /** Largest backoff step; default 2000 ms. */
  retryMaxDelayMs?: number;
  /** Keep-alive connections in the pool; default 64. */
  connections?: number;
  /** `Retry-After` suggested when the dependency gave none; default 2 s. */
  defaultRetryAfterSeconds?: number;
  /** Circuit breaker tuning (opossum); `false` disables the breaker. */
  breaker?: BreakerOptions | false;
  /** Where retries and breaker transitions are logged (a pino logger fits). */
  logger?: ClientLogger;
}

export interface BreakerOptions {
  /** Failing share of calls (percent) in the rolling window that opens the breaker; default 50. */
  errorThresholdPercentage?: number;
  /** Calls needed in the window before it may open; default 10. */
  volumeThreshold?: number;
  /** How long it stays open before letting one trial call through; default 5000 ms. */
  resetTimeoutMs?: number;
  /** The rolling window; default 10000 ms. */
  rollingCountTimeoutMs?: number;
}

export interface ClientLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface RequestOptions {
  method: HttpMethod;
  /** Path from the base URL, with its query string if any: `/v1/products?limit=5`. */
  path: string;
  /** Added to the path as a query string; undefined values are left out, arrays repeat the key. */
  query?: Record<string, QueryValue | QueryValue[] | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent byte for byte instead of `body` (a signed webhook whose signature covers the bytes). */
  rawBody?: { contentType: string; data: string | Buffer };
  /**
   * Headers to pass on: the shopper's `authorization`, `idempotency-key`, `x-request-id`.
   * Undefined values are left out. Trace context is added by the undici instrumentation.
   */
  headers?: Record<string, string | undefined>;
  /**
   * True when sending the request twice has the effect of sending it once (GET, PUT, or a
   * POST carrying an `Idempotency-Key`): only then is it retried.
   */
  idempotent?: boolean;
  /** This request's per-attempt timeout, instead of the client's. */
  timeoutMs?: number;
  /** Aborts the request (the caller went away); rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ServiceResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the answer is JSON (problem+json included), text otherwise, undefined when empty. */
  body: T;
}

export interface StreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The answer's body as it arrives; destroy it to close the upstream request. */
  body: Readable;
}

export interface ServiceClient {
  readonly name: string;
  /**
   * Sends one request and reads its whole answer. 2xx-4xx answers are returned; a refused
   * connection, a timeout, an open breaker or a 5xx (after the retries allowed) throws
   * {@link UpstreamUnavailableError}.
   */
  request<T = unknown>(options: RequestOptions): Promise<ServiceResponse<T>>;
  /**
   * Like {@link request} but hands back the body as a stream (server-sent events): the timeout
   * covers the answer's headers only, and the request is never retried once headers arrived.
   */
  stream(options: Omit<RequestOptions, 'body' | 'rawBody' | 'idempotent'>): Promise<StreamResponse>;
  /** True while the breaker refuses calls. */
  isOpen(): boolean;
  /** Closes the pool's connections and stops the breaker's timers. */
  close(): Promise<void>;
}

/**
 * A client of one dependency (`catalog`, `orders`, ...): one keep-alive pool, one circuit
 * breaker, retries with backoff for idempotent requests only. Create one per dependency per
 * process and close it on shutdown.
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 2000;
  const retries = options.retries ?? 2;
  const baseDelay = options.retryBaseDelayMs ?? 100;
  const maxDelay = options.retryMaxDelayMs ?? 2000;
  const defaultRetryAfter = options.defaultRetryAfterSeconds ?? 2;
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 64,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: timeoutMs },
  });

  function unavailable(
    reason: UnavailableReason,
    retryAfter = defaultRetryAfter,
    status?: number,
    cause?: unknown,
  ): UpstreamUnavailableError {
    return new UpstreamUnavailableError(
      options.name,
      reason,
      Math.max(1, retryAfter),
      status,
      cause ? { cause } : undefined,
    );
  }

  /** One attempt; resolves with the answer's head, the body still to read, or throws. */
  async function attempt(
    request: RequestOptions,
    streaming: boolean,
  ): Promise<{ attempt: Attempt; done: () => void }> {
    const controller = new AbortController();
    const limit = request.timeoutMs ?? timeoutMs;
    const timer = setTimeout(() => controller.abort(new TimedOut()), limit);
    const onCallerAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onCallerAbort);
    };
    if (request.signal?.aborted) onCallerAbort();
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [key, value] of Object.entries(request.headers ?? {})) {
      if (value !== undefined) headers[key.toLowerCase()] = value;
    }
    let body: string | Buffer | undefined;
    if (request.rawBody) {
      body = request.rawBody.data;
      headers['content-type'] = request.rawBody.contentType;
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const response = await pool.request({
        method: request.method,
        path: buildPath(prefix, request.path, request.query),
        headers,
        body,
        signal: controller.signal,
        headersTimeout: limit,
        bodyTimeout: streaming ? 0 : limit,
      });
      if (streaming) clearTimeout(timer);
      return {
        attempt: { status: response.statusCode, headers: response.headers, body: response.body },
        done,
      };
    } catch (error) {
      done();
      throw classify(error, controller.signal, request.signal);
    }
  }

  function classify(error: unknown, own: AbortSignal, caller?: AbortSignal): unknown {
    if (caller?.aborted) return caller.reason ?? error;
    if (own.aborted && own.reason instanceof TimedOut)
      return unavailable('timeout', undefined, undefined, error);
    if (error instanceof undiciErrors.UndiciError || errorCode(error)) {
      const code = errorCode(error) ?? '';
      if (TIMEOUT_CODES.has(code)) return unavailable('timeout', undefined, undefined, error);
      if (UNREACHABLE_CODES.has(code) || code.startsWith('UND_ERR'))
        return unavailable('unreachable', undefined, undefined, error);
    }
    return error;
  }

  async function send(request: RequestOptions): Promise<ServiceResponse> {
    const attempts = request.idempotent ? retries + 1 : 1;
    let last: UpstreamUnavailableError | undefined;
    for (let index = 0; index < attempts; index++) {
      if (index > 0) {
        const delay = backoffDelay(index - 1, baseDelay, maxDelay);
        options.logger?.warn(
          {
            upstream: options.name,
            attempt: index + 1,
            reason: last?.reason,
            delayMs: Math.round(delay),
          },
          'retrying upstream request',
        );
        await sleep(delay);
        if (request.signal?.aborted) throw request.signal.reason;
      }
      let head: Awaited<ReturnType<typeof attempt>>;
      try {
        head = await attempt(request, false);
      } catch (error) {
        if (error instanceof UpstreamUnavailableError) {
          last = error;
          continue;
        }
        throw error;
      }
      try {
        if (head.attempt.status >= 500) {
          await head.attempt.body.dump();
          const hint = parseRetryAfter(head.attempt.headers['retry-after'] as string | undefined);
          last = unavailable('server_error', hint ?? defaultRetryAfter, head.attempt.status);
          continue;
        }
        const body = await readBody(head.attempt);
        return { status: head.attempt.status, headers: head.attempt.headers, body };
      } catch (error) {
        const mapped = classify(error, new AbortController().signal, request.signal);
        if (mapped instanceof UpstreamUnavailableError) {
          last = mapped;
          continue;
        }
        throw mapped;
      } finally {
        head.done();
      }
    }
    throw last ?? unavailable('unreachable');
  }

  async function openStream(request: RequestOptions): Promise<StreamResponse> {
    const { attempt: head, done } = await attempt(request, true);
    head.body.once('close', done);
    // Destroying the body (the caller went away) emits an abort error; that is the intent, not a
    // failure, and without a listener it would crash the process. Consumers may add their own.
    head.body.on('error', () => undefined);
    if (head.status >= 500) {
      await head.body.dump();
      const hint = parseRetryAfter(head.headers['retry-after'] as string | undefined);
      throw unavailable('server_error', hint ?? defaultRetryAfter, head.status);
    }
    return { status: head.status, headers: head.headers, body: head.body };
  }

  let openedAt = 0;
  const breakerOptions = options.breaker === false ? undefined : (options.breaker ?? {});
  const resetTimeout = breakerOptions?.resetTimeoutMs ?? 5000;
  const breaker = breakerOptions
    ? new CircuitBreaker(
        (kind: 'request' | 'stream', request: RequestOptions) =>
          kind === 'request' ? send(request) : openStream(request),
        {
          timeout: false,
          errorThresholdPercentage: breakerOptions.errorThresholdPercentage ?? 50,
          volumeThreshold: breakerOptions.volumeThreshold ?? 10,
          resetTimeout,
          rollingCountTimeout: breakerOptions.rollingCountTimeoutMs ?? 10_000,
          // Only a dependency's unavailability counts against it; a caller that went away does not.
          errorFilter: (error: unknown) => !(error instanceof UpstreamUnavailableError),
        },
      )
    : undefined;
  breaker?.on('open', () => {
    openedAt = Date.now();
    options.logger?.warn({ upstream: options.name }, 'circuit breaker opened');
  });
  breaker?.on('close', () =>
    options.logger?.info({ upstream: options.name }, 'circuit breaker closed'),
  );

  async function fire<R>(kind: 'request' | 'stream', request: RequestOptions): Promise<R> {
    if (!breaker) return (kind === 'request' ? send(request) : openStream(request)) as Promise<R>;
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

  return {
    name: options.name,
    request: <T>(request: RequestOptions) => fire<ServiceResponse<T>>('request', request),
    stream: (request) => fire<StreamResponse>('stream', request),
    isOpen: () => breaker?.opened ?? false,
    async close() {
      breaker?.shutdown();
      await pool.close();
    },
  };
}

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { createGuard } from './breaker.js';
import { createExchange } from './exchange.js';
import { createTransport, unavailableOf } from './transport.js';

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
  /**
   * A JSON media type to ask for (sent as `Accept`) whose answers come back as their text,
   * unparsed: for a caller that relays them as they are (the storefront's public product read).
   * An answer of any other type is parsed as usual.
   */
  passThrough?: string;
  /** This request's per-attempt timeout, instead of the client's. */
  timeoutMs?: number;
  /** Aborts the request (the caller went away); rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ServiceResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  /**
   * Parsed JSON when the answer is JSON (problem+json included), text otherwise (and for the
   * request's `passThrough` type), undefined when empty.
   */
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
 * A client of one dependency (`catalog`, `orders`, ...): one keep-alive pool
 * (`transport.ts`), retries with backoff for idempotent requests only (`exchange.ts`), one
 * circuit breaker (`breaker.ts`). Create one per dependency per process and close it on shutdown.
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const defaultRetryAfter = options.defaultRetryAfterSeconds ?? 2;
  const unavailable = unavailableOf(options.name, defaultRetryAfter);
  const transport = createTransport({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? 2000,
    connections: options.connections ?? 64,
    unavailable,
  });
  const exchange = createExchange({
    name: options.name,
    transport,
    retry: {
      retries: options.retries ?? 2,
      baseDelayMs: options.retryBaseDelayMs ?? 100,
      maxDelayMs: options.retryMaxDelayMs ?? 2000,
    },
    defaultRetryAfter,
    unavailable,
    logger: options.logger,
  });
  const guard = createGuard({
    name: options.name,
    breaker: options.breaker,
    call: (kind, request) =>
      kind === 'request' ? exchange.send(request) : exchange.openStream(request),
    unavailable,
    logger: options.logger,
  });

  return {
    name: options.name,
    request: <T>(request: RequestOptions) => guard.fire<ServiceResponse<T>>('request', request),
    stream: (request) => guard.fire<StreamResponse>('stream', request),
    isOpen: () => guard.isOpen(),
    async close() {
      guard.shutdown();
      await transport.close();
    },
  };
}

import { EventEmitter } from 'node:events';
import { traceClientRequest } from '@bazaar/telemetry';
import { Pool, errors as undiciErrors } from 'undici';
import {
  buildPath,
  errorCode,
  TIMEOUT_CODES,
  TimedOut,
  UNREACHABLE_CODES,
  type Attempt,
} from './request-parts.js';
import type { RequestOptions } from './service-client.js';
import { UpstreamUnavailableError, type UnavailableReason } from './upstream-unavailable-error.js';

/** Builds the error a caller maps to 503, with this client's name and default `Retry-After`. */
export type Unavailable = (
  reason: UnavailableReason,
  retryAfter?: number,
  status?: number,
  cause?: unknown,
) => UpstreamUnavailableError;

export function unavailableOf(service: string, defaultRetryAfter: number): Unavailable {
  return (reason, retryAfter = defaultRetryAfter, status, cause) =>
    new UpstreamUnavailableError(
      service,
      reason,
      Math.max(1, retryAfter),
      status,
      cause ? { cause } : undefined,
    );
}

export interface TransportOptions {
  baseUrl: string;
  /** Longest one attempt may take unless the request says otherwise. */
  timeoutMs: number;
  /** Keep-alive connections in the pool. */
  connections: number;
  unavailable: Unavailable;
}

/** One attempt's answer head, its body still to read, and the clean-up once it is read. */
export interface AttemptHead {
  attempt: Attempt;
  done: () => void;
}

export interface Transport {
  /** One attempt; resolves with the answer's head, the body still to read, or throws. */
  attempt(request: RequestOptions, streaming: boolean): Promise<AttemptHead>;
  /** A failure as the caller should see it: the caller's abort, or unavailability, or itself. */
  classify(error: unknown, own: OwnAbort | undefined, caller?: AbortSignal): unknown;
  close(): Promise<void>;
}

/** What {@link Transport.classify} reads of an attempt's own abort: whether, and why. */
export interface OwnAbort {
  readonly fired: boolean;
  readonly reason: unknown;
}

/**
 * One attempt's abort (its timeout, or its caller went away), handed to undici as its `signal`.
 * undici takes an `EventEmitter` that emits `abort` as well as an `AbortSignal` (its documented
 * `signal` option), and reads the reason from its `reason`. An `AbortController` per attempt cost
 * its `EventTarget` and, in undici, the native abort listener made for a real `AbortSignal`: about
 * a microsecond per upstream call, for a signal that almost never fires. It has no `aborted`
 * property on purpose: undici takes anything with one for an `AbortSignal`.
 */
export class AttemptAbort extends EventEmitter implements OwnAbort {
  fired = false;
  reason: unknown = undefined;

  /** Aborts once; later calls keep the first reason. */
  abort(reason: unknown): void {
    if (this.fired) return;
    this.fired = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/** The keep-alive pool to one dependency and single attempts over it, with their timeouts. */
export function createTransport(options: TransportOptions): Transport {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const { timeoutMs, unavailable } = options;
  const serverPort = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
  const pool = new Pool(base.origin, {
    connections: options.connections,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: timeoutMs },
  });

  async function attempt(request: RequestOptions, streaming: boolean): Promise<AttemptHead> {
    const abort = new AttemptAbort();
    const limit = request.timeoutMs ?? timeoutMs;
    const timer = setTimeout(() => abort.abort(new TimedOut()), limit);
    const onCallerAbort = () => abort.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const headers: Record<string, string> = { accept: request.passThrough ?? 'application/json' };
    for (const [key, value] of Object.entries(request.headers ?? {})) {
      if (value !== undefined) headers[key.toLowerCase()] = value;
    }
    const path = buildPath(prefix, request.path, request.query);
    // The attempt's client span; its trace context goes into the headers.
    const traced = traceClientRequest(
      {
        method: request.method,
        serverAddress: base.hostname,
        serverPort,
        url: base.origin + path,
      },
      headers,
    );
    const done = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onCallerAbort);
      traced.end();
    };
    if (request.signal?.aborted) onCallerAbort();
    let body: string | Buffer | undefined;
    if (request.rawBody) {
      body = request.rawBody.data;
      headers['content-type'] = request.rawBody.contentType;
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    try {
      // undici does not see that an emitter fired before it was handed over.
      if (abort.fired) throw abort.reason;
      const response = await pool.request({
        method: request.method,
        path,
        headers,
        body,
        signal: abort,
        headersTimeout: limit,
        bodyTimeout: streaming ? 0 : limit,
      });
      traced.answered(response.statusCode);
      if (streaming) clearTimeout(timer);
      return {
        attempt: { status: response.statusCode, headers: response.headers, body: response.body },
        done,
      };
    } catch (error) {
      traced.failed(error);
      done();
      throw classify(error, abort, request.signal);
    }
  }

  function classify(error: unknown, own: OwnAbort | undefined, caller?: AbortSignal): unknown {
    if (caller?.aborted) return caller.reason ?? error;
    if (own?.fired && own.reason instanceof TimedOut)
      return unavailable('timeout', undefined, undefined, error);
    if (error instanceof undiciErrors.UndiciError || errorCode(error)) {
      const code = errorCode(error) ?? '';
      if (TIMEOUT_CODES.has(code)) return unavailable('timeout', undefined, undefined, error);
      if (UNREACHABLE_CODES.has(code) || code.startsWith('UND_ERR'))
        return unavailable('unreachable', undefined, undefined, error);
    }
    return error;
  }

  return { attempt, classify, close: () => pool.close() };
}

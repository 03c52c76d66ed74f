import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import { clientEvents } from './metrics.js';
import { bodyOf } from './request-parts.js';
import type {
  ClientLogger,
  RequestOptions,
  ServiceResponse,
  StreamResponse,
} from './service-client.js';
import type { Transport, Unavailable, WholeAnswer } from './transport.js';
import { UpstreamUnavailableError } from './upstream-unavailable-error.js';

export interface RetryPolicy {
  /** Extra attempts for idempotent requests. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ExchangeOptions {
  name: string;
  transport: Transport;
  retry: RetryPolicy;
  /** `Retry-After` suggested when the dependency gave none, in seconds. */
  defaultRetryAfter: number;
  unavailable: Unavailable;
  logger?: ClientLogger;
}

export interface Exchange {
  /** A whole answer, retried with backoff when the request is idempotent. */
  send(request: RequestOptions): Promise<ServiceResponse>;
  /** The answer's head with its body as a stream; never retried. */
  openStream(request: RequestOptions): Promise<StreamResponse>;
}

/** How a request becomes an answer: attempts, retries of idempotent requests, 5xx handling. */
export function createExchange(options: ExchangeOptions): Exchange {
  const { transport, retry, defaultRetryAfter, unavailable } = options;

  async function send(request: RequestOptions): Promise<ServiceResponse> {
    const attempts = request.idempotent ? retry.retries + 1 : 1;
    let last: UpstreamUnavailableError | undefined;
    for (let index = 0; index < attempts; index++) {
      if (index > 0) {
        const delay = backoffDelay(index - 1, retry.baseDelayMs, retry.maxDelayMs);
        options.logger?.warn(
          {
            upstream: options.name,
            attempt: index + 1,
            reason: last?.reason,
            delayMs: Math.round(delay),
          },
          'retrying upstream request',
        );
        clientEvents.retried(options.name, last?.reason ?? 'unreachable');
        await sleep(delay);
        if (request.signal?.aborted) throw request.signal.reason;
      }
      let answer: WholeAnswer;
      try {
        answer = await transport.whole(request);
      } catch (error) {
        if (error instanceof UpstreamUnavailableError) {
          last = error;
          continue;
        }
        throw error;
      }
      if (answer.status >= 500) {
        const hint = parseRetryAfter(answer.headers['retry-after'] as string | undefined);
        last = unavailable('server_error', hint ?? defaultRetryAfter, answer.status);
        continue;
      }
      const body = bodyOf(answer.text, answer.headers['content-type'], request.passThrough);
      return { status: answer.status, headers: answer.headers, body };
    }
    throw last ?? unavailable('unreachable');
  }

  async function openStream(request: RequestOptions): Promise<StreamResponse> {
    const { attempt: head, done } = await transport.attempt(request);
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

  return { send, openStream };
}

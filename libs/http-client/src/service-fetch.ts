import type { HttpMethod, ServiceClient } from './service-client.js';

export interface ServiceFetchOptions {
  /**
   * Whether sending this request twice has the effect of sending it once, so it may be retried.
   * Default: GET, HEAD, PUT and DELETE, and any request carrying an `Idempotency-Key`.
   */
  idempotent?: (method: string, path: string, headers: Headers) => boolean;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
// Headers that describe the bytes on the wire, which the service client sets itself.
const WIRE_HEADERS = ['content-length', 'transfer-encoding', 'content-encoding', 'connection'];

export function defaultIdempotent(method: string, _path: string, headers: Headers): boolean {
  return IDEMPOTENT_METHODS.has(method) || headers.has('idempotency-key');
}

/**
 * A `fetch` over a {@link ServiceClient}, for a generated client (openapi-fetch) that speaks
 * `Request`/`Response`: the request's path and query go to the service client's base URL (the
 * request's origin is ignored), so it keeps its keep-alive pool, timeouts, retries of idempotent
 * requests and circuit breaker. As with `request`, a 5xx after the retries, a timeout or an open
 * breaker throws {@link UpstreamUnavailableError}; 2xx-4xx answers come back as responses.
 */
export function serviceFetch(
  client: ServiceClient,
  options: ServiceFetchOptions = {},
): (request: Request) => Promise<Response> {
  const idempotent = options.idempotent ?? defaultIdempotent;
  return async (request) => {
    const url = new URL(request.url);
    const path = `${url.pathname}${url.search}`;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      if (key !== 'content-type' && !WIRE_HEADERS.includes(key)) headers[key] = value;
    });
    const data = request.body === null ? undefined : await request.text();
    const answer = await client.request<unknown>({
      method: request.method as HttpMethod,
      path,
      headers,
      rawBody:
        data === undefined
          ? undefined
          : { contentType: request.headers.get('content-type') ?? 'application/json', data },
      idempotent: idempotent(request.method, path, request.headers),
      signal: request.signal,
    });
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(answer.headers)) {
      if (value === undefined || WIRE_HEADERS.includes(key)) continue;
      for (const one of [value].flat()) responseHeaders.append(key, one);
    }
    const empty = answer.body === undefined || answer.status === 204 || answer.status === 304;
    const text = empty
      ? null
      : typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body);
    return new Response(text, { status: answer.status, headers: responseHeaders });
  };
}

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake upstream received. */
export interface UpstreamRequest {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  /** The path alone. */
  path: string;
  /** The query string with its `?`, or ''. */
  query: string;
  /** Values of the route's `:name` segments. */
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body was JSON, else its text; undefined when empty. */
  body: unknown;
  /** The body as sent. */
  raw: string;
}

/** An answer given as data: JSON (problem+json from 400 up) after an optional delay. */
export interface UpstreamAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * Answers a request: returns an answer, or writes `response` itself (a stream, a slow body, a
 * dropped connection) and returns nothing.
 */
export type UpstreamHandler = (
  request: UpstreamRequest,
  response: ServerResponse,
) => UpstreamAnswer | void | Promise<UpstreamAnswer | void>;

/** Routes as a table: `'METHOD /path/:param'` (or `'*'` for any request) to a handler or answer. */
export type UpstreamRoutes = Record<string, UpstreamHandler | UpstreamAnswer>;

/** How every request is answered while set, whatever its route: late, failing, or never. */
export type UpstreamFault = { delayMs: number } | { status: number; body?: unknown } | 'hang';

/**
 * A stand-in for another service over real HTTP on 127.0.0.1, for a test of the service that
 * calls it: routes from a table (later ones win), every request recorded in `received`, an
 * unknown route answered 404 problem+json as a Bazaar service would, and `fault()` to make it
 * slow, failing or silent.
 */
export interface FakeUpstream {
  readonly url: string;
  readonly received: UpstreamRequest[];
  /** TCP connections opened to it so far. */
  readonly connections: number;
  on(route: string, answer: UpstreamHandler | UpstreamAnswer): void;
  reply(route: string, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** From now on every request is answered so (undefined: normally again). */
  fault(how: UpstreamFault | undefined): void;
  /** Back to the routes it started with, nothing received, no fault. */
  reset(): void;
  close(): Promise<void>;
}

/** Writes a JSON answer (`application/problem+json` from 400 up); no body when undefined. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  response.writeHead(status, body === undefined ? headers : { 'content-type': type, ...headers });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

function matchRoute(
  route: string,
  method: string,
  path: string,
): Record<string, string> | undefined {
  if (route === '*') return {};
  const [routeMethod, routePath = ''] = route.split(' ');
  if (routeMethod !== method) return undefined;
  const want = routePath.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(got[i]!);
    else if (part !== got[i]) return undefined;
  }
  return params;
}

function parseBody(raw: string): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const NOT_FOUND = { type: 'about:blank', title: 'Not Found', status: 404 };

export async function startFakeUpstream(initial: UpstreamRoutes = {}): Promise<FakeUpstream> {
  let routes: [string, UpstreamHandler | UpstreamAnswer][] = Object.entries(initial);
  let fault: UpstreamFault | undefined;
  const received: UpstreamRequest[] = [];
  let connections = 0;

  async function answer(request: UpstreamRequest, response: ServerResponse): Promise<void> {
    if (fault === 'hang') return;
    if (fault && 'delayMs' in fault) await delay(fault.delayMs);
    if (fault && 'status' in fault) {
      sendJson(
        response,
        fault.status,
        fault.body ?? { title: 'Injected fault', status: fault.status },
      );
      return;
    }
    for (const [route, target] of [...routes].reverse()) {
      const params = matchRoute(route, request.method, request.path);
      if (!params) continue;
      request.params = params;
      const given = typeof target === 'function' ? await target(request, response) : target;
      if (!given) return;
      if (given.delayMs) await delay(given.delayMs);
      sendJson(response, given.status ?? 200, given.body, given.headers);
      return;
    }
    sendJson(response, 404, NOT_FOUND);
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://upstream');
      const raw = Buffer.concat(chunks).toString();
      const entry: UpstreamRequest = {
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        path: url.pathname,
        query: url.search,
        params: {},
        headers: request.headers,
        body: parseBody(raw),
        raw,
      };
      received.push(entry);
      answer(entry, response).catch(() => response.destroy());
    });
  });
  server.on('connection', () => void (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get connections() {
      return connections;
    },
    on: (route, target) => void routes.push([route, target]),
    reply: (route, status, body, headers) => void routes.push([route, { status, body, headers }]),
    fault(how) {
      fault = how;
    },
    reset() {
      routes = Object.entries(initial);
      fault = undefined;
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

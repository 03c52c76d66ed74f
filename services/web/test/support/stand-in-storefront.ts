import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: Seen) => Answer;

/**
 * A real HTTP server standing in for the storefront's public API in component tests (the web
 * app under test talks to it over HTTP exactly as to the real one): answers per `METHOD /path`
 * (query string left out), every request kept for assertions.
 */
export interface StandIn {
  url: string;
  seen: Seen[];
  on(route: string, handler: Handler | Answer): void;
  reset(): void;
  close(): Promise<void>;
}

export async function standInStorefront(): Promise<StandIn> {
  const routes = new Map<string, Handler>();
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const request: Seen = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      seen.push(request);
      const handler = routes.get(`${req.method} ${path}`);
      const answer = handler
        ? handler(request)
        : { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404 } };
      const json = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': answer.status >= 400 ? 'application/problem+json' : 'application/json',
        ...answer.headers,
      });
      res.end(json);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    on(route, handler) {
      routes.set(route, typeof handler === 'function' ? handler : () => handler);
    },
    reset() {
      routes.clear();
      seen.length = 0;
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}

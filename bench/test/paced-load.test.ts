import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { runPaced } from '../src/paced-load.js';

/** A local HTTP server for one test; closed after it. */
async function withServer(
  handle: (request: IncomingMessage, body: string, response: ServerResponse) => void,
  test: (url: string) => Promise<void>,
): Promise<void> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, Buffer.concat(chunks).toString(), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await test(`http://127.0.0.1:${port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('the paced load', () => {
  it('when run at a rate, then requests arrive spread over the run (not in bursts) and each is counted', async () => {
    const arrivals: number[] = [];
    const paths = new Set<string>();
    await withServer(
      (request, _body, response) => {
        arrivals.push(performance.now());
        paths.add(request.url!);
        setTimeout(() => response.end('ok'), 2);
      },
      async (url) => {
        const figures = await runPaced({
          url,
          rate: 50,
          durationSeconds: 1,
          connections: 10,
          path: (n) => `/v/${n}`,
          title: 'test',
        });
        expect(figures.requests).toBe(50);
        expect(paths.size).toBe(50);
        expect(figures.errors).toBe(0);
        expect(figures.rate).toBe(50);
        expect(figures.latency.p50).toBeGreaterThanOrEqual(2);
        expect(figures.sendLag.max).toBeGreaterThanOrEqual(0);
        // 50 a second, one every 20 ms: the first and last arrive about a second apart, and no
        // second's worth arrives at once (autocannon's rate would send them in one burst).
        expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThan(700);
        const inFirst100ms = arrivals.filter((at) => at - arrivals[0] < 100).length;
        expect(inFirst100ms).toBeLessThan(25);
      },
    );
  });

  it('when each request is built, then it goes out with its own method, headers and body, and its answer comes back to it', async () => {
    const received: { method: string; key: string; body: string }[] = [];
    await withServer(
      (request, body, response) => {
        received.push({
          method: request.method!,
          key: String(request.headers['idempotency-key']),
          body,
        });
        const { n } = JSON.parse(body) as { n: number };
        // Every third one refused: counted apart, and still handed back.
        response.statusCode = n % 3 === 2 ? 409 : 202;
        response.end(JSON.stringify({ id: `order-${n}` }));
      },
      async (url) => {
        const answers = new Map<number, { status: number; id: string }>();
        const figures = await runPaced({
          url,
          rate: 30,
          durationSeconds: 1,
          connections: 5,
          title: 'test',
          request: (n) => ({
            method: 'POST',
            path: '/orders',
            headers: { 'content-type': 'application/json', 'idempotency-key': `key-${n}` },
            body: JSON.stringify({ n }),
          }),
          onResponse: (n, status, body) =>
            answers.set(n, { status, id: (JSON.parse(body) as { id: string }).id }),
        });
        expect(figures.requests).toBe(30);
        expect(figures.non2xx).toBe(10);
        expect(received.every((r) => r.method === 'POST')).toBe(true);
        expect(new Set(received.map((r) => r.key)).size).toBe(30);
        expect(answers.size).toBe(30);
        for (const [n, answer] of answers) {
          expect(answer).toEqual({ status: n % 3 === 2 ? 409 : 202, id: `order-${n}` });
        }
      },
    );
  });

  it('when the server falls behind the rate, then latency counts from each request due time, queueing included', async () => {
    // One connection, 30 ms per answer, 50 requests due over half a second: the server needs at
    // least 1.5 s for them, so the last is answered at least ~1 s after it was due, and half of
    // them wait at least ~0.5 s, however fast the machine. A closed loop would report ~30 ms.
    await withServer(
      (_request, _body, response) => {
        setTimeout(() => response.end('ok'), 30);
      },
      async (url) => {
        const figures = await runPaced({
          url,
          rate: 100,
          durationSeconds: 0.5,
          connections: 1,
          path: () => '/slow',
          title: 'test',
        });
        expect(figures.requests).toBe(50);
        expect(figures.latency.max).toBeGreaterThanOrEqual(50 * 30 - 490);
        expect(figures.latency.p50).toBeGreaterThanOrEqual(25 * 30 - 240);
      },
    );
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServiceClient, type ServiceClient } from '../src/index.js';
import { eventually, sendJson, startFakeUpstream, type FakeUpstream } from '@bazaar/testing';
import { unavailable } from './support.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('createServiceClient', () => {
  let server: FakeUpstream;
  const clients: ServiceClient[] = [];
  const client = (options: Partial<Parameters<typeof createServiceClient>[0]> = {}) => {
    const created = createServiceClient({
      name: 'catalog',
      baseUrl: server.url,
      retryBaseDelayMs: 10,
      ...options,
    });
    clients.push(created);
    return created;
  };

  beforeEach(async () => {
    server = await startFakeUpstream();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
  });

  it('when a request succeeds, then status, headers and parsed JSON come back and the caller headers were passed on', async () => {
    server.on('*', (seen, response) =>
      sendJson(response, 201, { echo: seen.body }, { 'x-extra': 'yes' }),
    );
    const answer = await client().request<{ echo: unknown }>({
      method: 'POST',
      path: '/internal/prices',
      query: { limit: 5, cursor: undefined, brand: ['a', 'b c'] },
      body: { productIds: ['a'] },
      headers: {
        authorization: 'Bearer t0ken',
        'Idempotency-Key': 'key-1',
        'x-request-id': 'req-1',
        'x-absent': undefined,
      },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ echo: { productIds: ['a'] } });
    expect(answer.headers['x-extra']).toBe('yes');
    const [seen] = server.received;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/internal/prices?limit=5&brand=a&brand=b+c');
    expect(seen.headers.authorization).toBe('Bearer t0ken');
    expect(seen.headers['idempotency-key']).toBe('key-1');
    expect(seen.headers['x-request-id']).toBe('req-1');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['x-absent']).toBeUndefined();
  });

  it('when a raw body is given, then its bytes and content type are sent as they are', async () => {
    server.on('*', (_seen, response) => sendJson(response, 202, {}));
    const data = '{"b":1,  "a":2}';
    await client().request({
      method: 'POST',
      path: '/hook',
      rawBody: { contentType: 'application/json; charset=utf-8', data },
    });
    expect(server.received[0]!.raw).toBe(data);
    expect(server.received[0].headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('when the base URL has a path prefix, then paths are sent below it', async () => {
    server.on('*', (_seen, response) => sendJson(response, 200, {}));
    await client({ baseUrl: `${server.url}/api/` }).request({
      method: 'GET',
      path: '/v1/x?a=1',
      query: { b: 2 },
    });
    expect(server.received[0].url).toBe('/api/v1/x?a=1&b=2');
  });

  it('when the answer is a 4xx problem, then it is returned, not thrown, and not retried', async () => {
    server.on('*', (_seen, response) => {
      response.writeHead(404, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ status: 404, title: 'Not found' }));
    });
    const answer = await client().request({
      method: 'GET',
      path: '/v1/products/x',
      idempotent: true,
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ status: 404, title: 'Not found' });
    expect(server.received).toHaveLength(1);
  });

  it('when the answer is empty or text, then the body is undefined or the text', async () => {
    server.on('*', (seen, response) => {
      if (seen.url === '/empty') {
        response.writeHead(204);
        response.end();
      } else if (seen.url === '/bad-json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{nope');
      } else {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('hello');
      }
    });
    const c = client();
    expect((await c.request({ method: 'DELETE', path: '/empty' })).body).toBeUndefined();
    expect((await c.request({ method: 'GET', path: 'text' })).body).toBe('hello');
    expect((await c.request({ method: 'GET', path: '/bad-json' })).body).toBe('{nope');
  });

  it('when a pass-through type is asked for, then an answer of that type comes back as its text and any other is parsed', async () => {
    const type = 'application/vnd.bazaar.test+json';
    server.on('*', (seen, response) => {
      const accept = String(seen.headers.accept);
      if (seen.url === '/problem') {
        response.writeHead(404, { 'content-type': 'application/problem+json' });
        response.end('{"status":404}');
      } else {
        response.writeHead(200, { 'content-type': `${accept}; charset=utf-8` });
        response.end('{"a": 1}');
      }
    });
    const c = client();
    const asked = await c.request({ method: 'GET', path: '/x', passThrough: type });
    expect(asked.body).toBe('{"a": 1}');
    expect(server.received[0].headers.accept).toBe(type);
    expect((await c.request({ method: 'GET', path: '/x' })).body).toEqual({ a: 1 });
    const refused = await c.request({ method: 'GET', path: '/problem', passThrough: type });
    expect(refused.body).toEqual({ status: 404 });
  });

  it('when several requests are sent one after another, then they reuse keep-alive connections', async () => {
    server.on('*', (_seen, response) => sendJson(response, 200, { ok: true }));
    const c = client();
    for (let i = 0; i < 10; i++) await c.request({ method: 'GET', path: '/v1/ping' });
    expect(server.received).toHaveLength(10);
    // undici may open a second socket while the first finishes its previous answer; never one each.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('when the dependency answers too slowly, then the request fails as a timeout', async () => {
    server.on('*', { delayMs: 1500, body: {} });
    const error = await unavailable(
      client({ timeoutMs: 200 }).request({ method: 'GET', path: '/slow' }),
    );
    expect(error.reason).toBe('timeout');
    expect(error.service).toBe('catalog');
    expect(error.retryAfter).toBeGreaterThanOrEqual(1);
    expect(server.received).toHaveLength(1);
  });

  it('when the body of an answer stops halfway past the timeout, then the request fails as a timeout', async () => {
    let closed = false;
    server.on('*', (_seen, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"half":');
      response.on('close', () => (closed = true));
    });
    const error = await unavailable(
      client({ timeoutMs: 200, retries: 0 }).request({ method: 'GET', path: '/half' }),
    );
    expect(error.reason).toBe('timeout');
    await eventually(() => closed);
  });

  it('when a body arrives in pieces that split a character, then it is read whole', async () => {
    const text = JSON.stringify({ name: 'Café 🧁'.repeat(50) });
    const bytes = Buffer.from(text);
    const cut = bytes.indexOf(Buffer.from('🧁')) + 2;
    server.on('*', (_seen, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(bytes.subarray(0, cut));
      setTimeout(() => response.end(bytes.subarray(cut)), 20);
    });
    const answer = await client().request({ method: 'GET', path: '/pieces' });
    expect(answer.body).toEqual(JSON.parse(text));
  });

  it('when an idempotent request meets a 503 then a 200, then it is retried and succeeds', async () => {
    server.on('*', (_seen, response) =>
      server.received.length === 1
        ? sendJson(response, 503, {})
        : sendJson(response, 200, { ok: true }),
    );
    const answer = await client().request({ method: 'GET', path: '/flaky', idempotent: true });
    expect(answer.body).toEqual({ ok: true });
    expect(server.received).toHaveLength(2);
  });

  it('when an idempotent request keeps timing out, then every attempt is tried with backoff before failing', async () => {
    server.on('*', { delayMs: 1000, body: {} });
    const error = await unavailable(
      client({ timeoutMs: 100, retries: 2 }).request({
        method: 'GET',
        path: '/slow',
        idempotent: true,
      }),
    );
    expect(error.reason).toBe('timeout');
    expect(server.received).toHaveLength(3);
  });

  it('when a non-idempotent request meets a 5xx, then it is not retried and fails with the hint of Retry-After', async () => {
    server.on('*', (_seen, response) => sendJson(response, 503, {}, { 'retry-after': '7' }));
    const error = await unavailable(
      client().request({ method: 'POST', path: '/orders', body: {} }),
    );
    expect(error.reason).toBe('server_error');
    expect(error.status).toBe(503);
    expect(error.retryAfter).toBe(7);
    expect(error.message).not.toContain('127.0.0.1');
    expect(server.received).toHaveLength(1);
  });

  it('when an idempotent request keeps meeting 5xx, then it fails after all its attempts', async () => {
    server.on('*', (_seen, response) => sendJson(response, 500, {}));
    const error = await unavailable(
      client({ retries: 3, defaultRetryAfterSeconds: 4 }).request({
        method: 'PUT',
        path: '/x',
        idempotent: true,
      }),
    );
    expect(error.reason).toBe('server_error');
    expect(error.status).toBe(500);
    expect(error.retryAfter).toBe(4);
    expect(server.received).toHaveLength(4);
  });

  it('when nothing listens, then the request fails as unreachable', async () => {
    const port = await freePort();
    const error = await unavailable(
      client({ baseUrl: `http://127.0.0.1:${port}` }).request({
        method: 'GET',
        path: '/',
        idempotent: true,
      }),
    );
    expect(error.reason).toBe('unreachable');
    expect(error.retryAfter).toBe(2);
    expect(error).toBeInstanceOf(Error);
  });

  it('when calls keep failing, then the breaker opens and fails fast without calling, and a later success closes it', async () => {
    let healthy = false;
    server.on('*', (_seen, response) => sendJson(response, healthy ? 200 : 500, {}));
    const c = client({
      breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 1500 },
    });
    for (let i = 0; i < 3; i++) {
      expect((await unavailable(c.request({ method: 'GET', path: '/' }))).reason).toBe(
        'server_error',
      );
    }
    expect(c.isOpen()).toBe(true);
    const open = await unavailable(c.request({ method: 'GET', path: '/' }));
    expect(open.reason).toBe('circuit_open');
    expect(open.retryAfter).toBeGreaterThanOrEqual(1);
    expect(open.retryAfter).toBeLessThanOrEqual(2);
    expect(server.received).toHaveLength(3);

    healthy = true;
    // Once the reset time is over, a trial call goes through and closes it.
    const recovered = await eventually(() => c.request({ method: 'GET', path: '/' }), {
      what: 'the breaker to let a call through',
    });
    expect(recovered.status).toBe(200);
    expect(c.isOpen()).toBe(false);
  });

  it('when 4xx answers pile up, then the breaker stays closed', async () => {
    server.on('*', (_seen, response) => sendJson(response, 404, {}));
    const c = client({ breaker: { volumeThreshold: 2 } });
    for (let i = 0; i < 5; i++) await c.request({ method: 'GET', path: '/' });
    expect(c.isOpen()).toBe(false);
  });

  it('when a caller keeps being refused with 4xx, then no refusal is retried or counted, and unavailability still opens the breaker', async () => {
    // The breaker rule: only unavailability (no connection, timeouts, 5xx) counts. A flood of
    // bad requests from one client must not open the breaker for every other caller.
    const refusals = [400, 404, 409, 413, 414, 415, 422, 429];
    let failing = false;
    server.on('*', (seen, response) =>
      failing
        ? sendJson(response, 503, {})
        : sendJson(response, Number(seen.url.slice(1)), { status: Number(seen.url.slice(1)) }),
    );
    const c = client({ breaker: { volumeThreshold: 4, errorThresholdPercentage: 50 } });
    for (let round = 0; round < 3; round++) {
      for (const status of refusals) {
        const answer = await c.request({ method: 'GET', path: `/${status}`, idempotent: true });
        expect(answer.status).toBe(status);
        const stream = await c.stream({ method: 'GET', path: `/${status}` });
        expect(stream.status).toBe(status);
        stream.body.destroy();
      }
    }
    expect(server.received).toHaveLength(refusals.length * 3 * 2);
    expect(c.isOpen()).toBe(false);

    failing = true;
    for (let i = 0; i < 100 && !c.isOpen(); i++) {
      await unavailable(c.request({ method: 'GET', path: '/503', idempotent: true }));
    }
    expect(c.isOpen()).toBe(true);
  });

  it('when the breaker is disabled, then failures never open it', async () => {
    server.on('*', (_seen, response) => sendJson(response, 500, {}));
    const c = client({ breaker: false });
    for (let i = 0; i < 4; i++) await unavailable(c.request({ method: 'GET', path: '/' }));
    expect(c.isOpen()).toBe(false);
    expect(server.received).toHaveLength(4);
  });

  it('when the caller aborts, then the request rejects with the reason and is not a dependency failure', async () => {
    server.on('*', { delayMs: 1000, body: {} });
    const controller = new AbortController();
    const c = client({ breaker: { volumeThreshold: 1 } });
    const pending = c.request({
      method: 'GET',
      path: '/',
      signal: controller.signal,
      idempotent: true,
    });
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(pending).rejects.toThrow('client went away');
    expect(c.isOpen()).toBe(false);
  });

  it('when the caller aborted before the call, then nothing is sent and the call rejects with the reason', async () => {
    server.on('*', { body: {} });
    const controller = new AbortController();
    controller.abort(new Error('gone before asking'));
    const c = client({ breaker: { volumeThreshold: 1 } });
    await expect(
      c.request({ method: 'GET', path: '/', signal: controller.signal, idempotent: true }),
    ).rejects.toThrow('gone before asking');
    expect(server.received).toHaveLength(0);
    expect(c.isOpen()).toBe(false);
  });

  it('when a stream is opened, then events arrive as sent and destroying the body closes the upstream request', async () => {
    let upstreamClosed = false;
    server.on('*', (_seen, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: status\ndata: {"status":"pending"}\n\n');
      const timer = setInterval(() => response.write(': ping\n\n'), 50);
      response.on('close', () => {
        clearInterval(timer);
        upstreamClosed = true;
      });
    });
    const stream = await client().stream({
      method: 'GET',
      path: '/v1/orders/1/events',
      timeoutMs: 300,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    const first = await new Promise<string>((resolve) =>
      stream.body.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    );
    expect(first).toContain('"pending"');
    // Longer than the timeout: the timeout covers the headers only.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.body.destroyed).toBe(false);
    stream.body.destroy();
    await eventually(() => upstreamClosed);
    expect(upstreamClosed).toBe(true);
  });

  it('when a stream is answered 404 or 5xx, then the 404 is returned and the 5xx thrown', async () => {
    server.on('*', (seen, response) => sendJson(response, seen.url === '/missing' ? 404 : 502, {}));
    const c = client();
    const missing = await c.stream({ method: 'GET', path: '/missing' });
    expect(missing.status).toBe(404);
    missing.body.destroy();
    const error = await unavailable(c.stream({ method: 'GET', path: '/broken' }));
    expect(error.reason).toBe('server_error');
    expect(error.status).toBe(502);
  });
});

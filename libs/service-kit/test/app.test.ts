import { Type } from '@sinclair/typebox';
import { Writable } from 'node:stream';
import { createApp, defineErrors, type App } from '../src/index.js';

const errors = defineErrors({
  THING_NOT_FOUND: { status: 404, title: 'Thing not found' },
});

async function buildTestApp(
  logLines: string[] = [],
  logLevel: 'info' | 'warn' = 'info',
): Promise<App> {
  const app = await createApp({
    name: 'kit-test',
    version: '1.2.3',
    logLevel,
    logStream: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object({
          name: Type.String({ minLength: 1 }),
          quantity: Type.Integer({ minimum: 1 }),
          tags: Type.Optional(Type.Array(Type.String())),
        }),
        response: { 201: Type.Object({ name: Type.String(), quantity: Type.Integer() }) },
      },
    },
    async (request, reply) => reply.code(201).send(request.body),
  );
  app.get(
    '/things',
    {
      schema: {
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
      },
    },
    async (request) => ({ limit: request.query.limit }),
  );
  app.get('/things/:id', async () => {
    throw errors.THING_NOT_FOUND('thing 42 does not exist');
  });
  app.get('/boom', async () => {
    throw new Error('secret internal detail: password=hunter2');
  });
  await app.ready();
  return app;
}

describe('service kit app', () => {
  let app: App;
  const logLines: string[] = [];
  beforeAll(async () => {
    app = await buildTestApp(logLines);
  });
  afterAll(() => app.close());

  it('when the body is valid, then the route answers', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'a', quantity: 2 },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'a', quantity: 2 });
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('when the body has an unknown field, then 400 problem+json names it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'a', quantity: 2, price: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 400,
      title: 'Request validation failed',
      errors: [{ field: 'body.price', message: 'is not allowed' }],
    });
  });

  it('when a field has the wrong type, then 400 names the field and no coercion happens', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'a', quantity: '2' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { field: 'body.quantity', message: 'must be integer' },
    ]);
  });

  it('when a required field is missing, then 400 names it', async () => {
    const response = await app.inject({ method: 'POST', url: '/things', payload: { name: 'a' } });
    expect(response.json().errors).toEqual([{ field: 'body.quantity', message: 'is required' }]);
  });

  it('when the JSON is malformed, then 400 problem+json', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "a",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('when a query string holds a number, then it is coerced and defaults apply', async () => {
    expect((await app.inject({ url: '/things?limit=5' })).json()).toEqual({ limit: 5 });
    expect((await app.inject({ url: '/things' })).json()).toEqual({ limit: 20 });
    const bad = await app.inject({ url: '/things?limit=abc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('querystring.limit');
  });

  it('when the route is unknown, then 404 problem+json', async () => {
    const response = await app.inject({ url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      instance: '/nowhere',
    });
  });

  it('when a catalog error is thrown, then its status, title and detail are sent', async () => {
    const response = await app.inject({ url: '/things/42' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      type: 'https://bazaar.dev/problems/thing-not-found',
      title: 'Thing not found',
      status: 404,
      detail: 'thing 42 does not exist',
      instance: '/things/42',
      code: 'THING_NOT_FOUND',
    });
  });

  it('when a route throws, then 500 problem+json without the message, which is logged', async () => {
    const response = await app.inject({ url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.json()).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      instance: '/boom',
    });
    expect(logLines.some((line) => line.includes('secret internal detail'))).toBe(true);
  });

  it('when the body is too large, then 413 problem+json', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x'.repeat(2 * 1024 * 1024), quantity: 1 },
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('when metrics are scraped, then per-route counts and latency histograms are there', async () => {
    await app.inject({ url: '/things?limit=3' });
    const response = await app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(
      /http_server_request_duration_seconds_count\{service="kit-test",method="GET",route="\/things",status_code="200"\} \d+/,
    );
    expect(response.body).toContain('http_server_request_duration_seconds_bucket');
  });

  it('when metrics are scraped, then the database pools and service clients of the process have their series', async () => {
    const response = await app.inject({ url: '/metrics' });
    for (const name of [
      'db_pool_connections',
      'db_pool_idle_connections',
      'db_pool_waiting_requests',
      'db_pool_max_connections',
      'http_client_breaker_state',
      'http_client_breaker_opened_total',
      'http_client_breaker_rejected_total',
      'http_client_breaker_failures_total',
      'http_client_retries_total',
    ]) {
      expect(response.body).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'));
    }
  });

  it('when docs are requested, then an OpenAPI 3.1 document lists the routes', async () => {
    const response = await app.inject({ url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/things', '/things/{id}']),
    );
  });

  it('when log lines are written in a request, then they are JSON with the service name', () => {
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request completed');
    expect(line).toMatchObject({ service: 'kit-test', level: 30 });
    expect(line.reqId).toBeTruthy();
  });

  it('when a request is served, then it is one log line at info, with method, path, status and time', async () => {
    const requestId = 'one-line-per-request';
    await app.inject({ url: '/things?limit=2', headers: { 'x-request-id': requestId } });
    const lines = logLines.map((l) => JSON.parse(l)).filter((l) => l.reqId === requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      level: 30,
      req: { method: 'GET', url: '/things?limit=2' },
      res: { statusCode: 200 },
    });
    expect(lines[0].responseTime).toEqual(expect.any(Number));
  });
});

describe('createApp at warn', () => {
  const logLines: string[] = [];
  let app: App;

  beforeAll(async () => {
    app = await buildTestApp(logLines, 'warn');
  });
  afterAll(async () => {
    await app.close();
  });

  it('when a request is served, then no line is written; when one fails, then its error is', async () => {
    await app.inject({ url: '/things?limit=2', headers: { 'x-request-id': 'served-quietly' } });
    const failed = await app.inject({ url: '/boom', headers: { 'x-request-id': 'failed-loudly' } });
    expect(failed.statusCode).toBe(500);
    const lines = logLines.map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.reqId === 'served-quietly')).toEqual([]);
    expect(lines.filter((l) => l.reqId === 'failed-loudly')).toEqual([
      expect.objectContaining({ level: 50 }),
    ]);
  });
});

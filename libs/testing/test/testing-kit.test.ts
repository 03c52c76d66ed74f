import { request } from 'node:http';
import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { sql } from 'kysely';
import { eventually, outboxRows, sendJson, startFakeUpstream } from '../src/index.js';

async function get(url: string, init?: RequestInit) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.text(),
  };
}

describe('eventually', () => {
  it('when the check gives a value after a while, then it resolves with that value', async () => {
    let calls = 0;
    const value = await eventually(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 5 });
    expect(value).toEqual({ calls: 3 });
  });

  it('when `until` is given, then it waits for a value that passes it; throws count as not yet', async () => {
    let n = 0;
    const value = await eventually(
      () => {
        n += 1;
        if (n === 1) throw new Error('not there yet');
        return n;
      },
      { until: (v) => v >= 4, intervalMs: 5 },
    );
    expect(value).toBe(4);
  });

  it('when the condition never holds, then it fails naming what was awaited and the last value', async () => {
    await expect(
      eventually(async () => ({ status: 'pending' }), {
        until: (v) => v.status === 'paid',
        timeoutMs: 50,
        intervalMs: 10,
        what: 'the payment',
      }),
    ).rejects.toThrow(/the payment not met within 50 ms; last value: {"status":"pending"}/);
  });
});

describe('fake upstream', () => {
  it('when routes are given as a table, then each request gets its answer and is recorded', async () => {
    const upstream = await startFakeUpstream({
      'GET /v1/things/:id': (r) => ({ body: { id: r.params.id } }),
      'POST /v1/things': { status: 201, body: { created: true } },
    });
    try {
      expect(await get(`${upstream.url}/v1/things/7?full=1`)).toMatchObject({
        status: 200,
        body: '{"id":"7"}',
      });
      const posted = await get(`${upstream.url}/v1/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'lamp' }),
      });
      expect(posted.status).toBe(201);
      const missing = await get(`${upstream.url}/v1/other`);
      expect(missing.status).toBe(404);
      expect(missing.type).toBe('application/problem+json');
      expect(upstream.received.map((r) => [r.method, r.path, r.query])).toEqual([
        ['GET', '/v1/things/7', '?full=1'],
        ['POST', '/v1/things', ''],
        ['GET', '/v1/other', ''],
      ]);
      expect(upstream.received[1]!.body).toEqual({ name: 'lamp' });
    } finally {
      await upstream.close();
    }
  });

  it('when a route is added later or a handler writes itself, then that answer wins; reset restores the table', async () => {
    const upstream = await startFakeUpstream({ 'GET /a': { body: 'first' } });
    try {
      upstream.on('GET /a', (_r, response) => sendJson(response, 202, 'second'));
      expect((await get(`${upstream.url}/a`)).status).toBe(202);
      upstream.reset();
      expect(upstream.received).toHaveLength(0);
      expect(await get(`${upstream.url}/a`)).toMatchObject({ status: 200, body: '"first"' });
    } finally {
      await upstream.close();
    }
  });

  it('when a fault is set, then it answers late, fails, or never answers until it is cleared', async () => {
    const upstream = await startFakeUpstream({ '*': { body: { ok: true } } });
    try {
      upstream.fault({ status: 503 });
      expect(await get(`${upstream.url}/x`)).toMatchObject({
        status: 503,
        type: 'application/problem+json',
      });
      upstream.fault({ delayMs: 200 });
      const started = Date.now();
      expect((await get(`${upstream.url}/x`)).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      upstream.fault('hang');
      await expect(
        fetch(`${upstream.url}/x`, { signal: AbortSignal.timeout(200) }),
      ).rejects.toThrow();
      upstream.fault(undefined);
      expect((await get(`${upstream.url}/x`)).status).toBe(200);
      expect(upstream.connections).toBeGreaterThan(0);
    } finally {
      await upstream.close();
    }
  });

  it('when it is closed with a request still open, then it closes at once', async () => {
    const upstream = await startFakeUpstream();
    upstream.fault('hang');
    const pending = new Promise<void>((resolve) => {
      request(upstream.url, (response) => response.resume())
        .on('error', () => resolve())
        .end();
    });
    await eventually(() => upstream.received.length === 1, { intervalMs: 5 });
    await upstream.close();
    await expect(pending).resolves.toBeUndefined();
  });
});

describe('outbox rows', () => {
  let database: TestDatabase<any>;

  beforeAll(async () => {
    database = await createTestDatabase('kit_outbox');
    await sql`create table outbox_events (id uuid primary key, position bigserial,
      type text not null, data jsonb not null, status text not null default 'pending')`.execute(
      database.db,
    );
    await sql`insert into outbox_events (id, type, data) values
      ('01900000-0000-7000-8000-000000000001', 'order.created', '{"orderId": "a"}'),
      ('01900000-0000-7000-8000-000000000002', 'order.cancelled', '{"orderId": "a"}'),
      ('01900000-0000-7000-8000-000000000003', 'order.cancelled', '{"orderId": "b", "reason": "x"}')
    `.execute(database.db);
  });
  afterAll(() => database.drop());

  it('when asked by type and aggregate, then only those rows come, oldest first', async () => {
    expect((await outboxRows(database.db)).map((r) => r.type)).toEqual([
      'order.created',
      'order.cancelled',
      'order.cancelled',
    ]);
    expect(
      await outboxRows(database.db, { type: 'order.cancelled', data: { orderId: 'b' } }),
    ).toEqual([
      {
        id: '01900000-0000-7000-8000-000000000003',
        type: 'order.cancelled',
        data: { orderId: 'b', reason: 'x' },
        status: 'pending',
      },
    ]);
    expect(
      (
        await outboxRows(database.db, {
          type: ['order.created', 'order.cancelled'],
          data: { orderId: 'a' },
        })
      ).length,
    ).toBe(2);
  });
});

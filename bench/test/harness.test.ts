import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runCeilings } from '../src/ceilings/run-ceilings.js';
import { runBareSaga } from '../src/ceilings/run-saga.js';
import pg from 'pg';
import { prepareCeilingDatabase } from '../src/ceilings/setup.js';
import { sumMetric, vacuumDatabases } from '../src/cost.js';
import { cpuBetween, processCpu, threadCpu } from '../src/cpu.js';
import { byOnset, percentiles } from '../src/load.js';
import { hops, lastRun } from '../src/hops.js';
import { spanLines, spansInExport, type SpanLine } from '../src/system.js';
import { buildQueries, typo, uncached } from '../src/scenarios/search.js';
import { AMQP, POSTGRES } from './servers.js';

describe('bench harness', () => {
  it('when the ceilings run with tiny numbers, then each one reports throughput and latency', async () => {
    // A count, not a duration: a busy machine may not answer a cold server within a second.
    const ceilings = await runCeilings({
      postgresUrl: POSTGRES,
      amqpUrl: AMQP,
      connections: 2,
      durationSeconds: 1,
      requests: 50,
    });
    expect(ceilings.checkoutPathError).toBeUndefined();
    for (const figures of [ceilings.bareRoute, ceilings.pgRoute, ceilings.checkoutPath!]) {
      expect(figures.requests).toBe(50);
      expect(figures.errors).toBe(0);
      expect(figures.non2xx).toBe(0);
      expect(figures.latency.p99).toBeGreaterThanOrEqual(figures.latency.p50);
    }
    // CPU per request, from /proc: the server's, and with it its Postgres backends' (pg route).
    // Read in ns, so positive wherever work happened, however short the run.
    expect(ceilings.bareRoute.cpuUsPerRequest.server).toBeGreaterThan(0);
    expect(ceilings.pgRoute.cpuUsPerRequest.server).toBeGreaterThan(0);
    expect(ceilings.pgRoute.cpuUsPerRequest.postgres).toBeGreaterThan(0);
    expect(ceilings.pgRoute.cpuUsPerRequest.total).toBeGreaterThan(
      ceilings.pgRoute.cpuUsPerRequest.server,
    );
  }, 90_000);

  it('when the bare saga runs with tiny numbers, then every order is confirmed and its cost is read per process', async () => {
    const saga = await runBareSaga({
      postgresUrl: POSTGRES,
      amqpUrl: AMQP,
      connections: 2,
      durationSeconds: 1,
      statsFlushMs: 0,
    });
    expect(saga.placedOrders).toBeGreaterThan(0);
    expect(saga.confirmed).toBe(saga.placedOrders);
    expect(saga.unfinished).toBe(0);
    expect(saga.placedToConfirmed.p99).toBeGreaterThan(0);
    for (const part of ['orders', 'catalog', 'payments', 'postgres']) {
      expect(saga.cost.perOrder.cpuMs[part]).toBeGreaterThan(0);
    }
    expect(saga.cost.perOrder.totalCpuMs).toBeGreaterThan(0);
    // By construction: one price lookup; order.created, stock.reserved, payment.authorized
    // published; stock.reserved consumed by orders and payments, the others once.
    expect(saga.cost.perOrder.counts).toMatchObject({
      'HTTP calls between services': 1,
      'messages published': 3,
      'messages consumed': 4,
    });
  }, 120_000);

  it('when the bare saga runs at a rate, then its orders are sent paced, each its own, and every one is confirmed', async () => {
    const saga = await runBareSaga({
      postgresUrl: POSTGRES,
      amqpUrl: AMQP,
      connections: 2,
      durationSeconds: 1,
      rate: 20,
      statsFlushMs: 0,
    });
    // Paced: exactly rate × duration requests, with the generator's own lag reported.
    expect(saga.accepted.requests).toBe(20);
    expect(saga.accepted.errors + saga.accepted.non2xx).toBe(0);
    expect('sendLag' in saga.accepted && saga.accepted.rate).toBe(20);
    expect(saga.placedOrders).toBe(20);
    expect(saga.confirmed).toBe(20);
    expect(saga.placedToConfirmed.p99).toBeGreaterThan(0);
    // A one-second run is all onset: its orders have no 'after'.
    expect(saga.byOnset.onset.p99).toBe(saga.placedToConfirmed.p99);
    expect(saga.byOnset.after.p99).toBeNaN();
  }, 120_000);

  it('when databases are vacuumed between segments, then each of their tables has been vacuumed and analysed', async () => {
    const url = await prepareCeilingDatabase(POSTGRES);
    const database = new URL(url).pathname.slice(1);
    const counts = async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ vacuums: string; analyses: string }>(
          `select vacuum_count as vacuums, analyze_count as analyses
             from pg_stat_user_tables where relname = 'bench_item'`,
        );
        return { vacuums: Number(rows[0].vacuums), analyses: Number(rows[0].analyses) };
      } finally {
        await client.end();
      }
    };
    const before = await counts();
    await vacuumDatabases(POSTGRES, [database]);
    const after = await counts();
    expect(after.vacuums).toBe(before.vacuums + 1);
    expect(after.analyses).toBe(before.analyses + 1);
  });

  it('when percentiles are taken, then they are nearest-rank over the sorted values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([]).p50).toBeNaN();
  });

  it("when a run's orders are split at its onset, then the orders placed in its first two seconds and those placed after each get their own p50 and p99", () => {
    const start = Date.parse('2026-12-07T10:00:00Z');
    // One order every 100 ms for 4 s: the first 20 slow (300-319 ms), the next 20 quick (10-29 ms).
    const orders = Array.from({ length: 40 }, (_, i) => ({
      placedAt: start + i * 100,
      ms: i < 20 ? 300 + i : 10 + (i - 20),
    }));
    expect(byOnset(orders)).toEqual({
      onset: { p50: 309, p99: 319 },
      after: { p50: 19, p99: 29 },
    });
    // The onset counts from the first order placed, whatever the order of the list.
    expect(byOnset([...orders].reverse(), 1000).onset).toEqual({ p50: 304, p99: 309 });
    expect(byOnset(orders.slice(0, 5)).after.p99).toBeNaN();
  });

  it('when queries are built from a catalog, then they hold words, prefixes, typos and filters', () => {
    expect(typo('laptop')).toBe('lapotp');
    expect(typo('cat')).toBe('cat');
    const queries = buildQueries(['Aurora Laptop Pro', 'Nimbus Headphones'], ['Aurora']);
    expect(queries).toEqual(
      expect.arrayContaining(['q=aurora', 'q=aur', `q=${typo('aurora')}`, 'q=aurora&brand=Aurora']),
    );
    expect(queries.some((q) => q.includes('minPrice='))).toBe(true);
  });

  it('when the catalog has categories, then the mix also filters by them and browses them without text', () => {
    const category = '0190f5e3-0000-7000-8000-000000000001';
    const queries = buildQueries(
      ['Aurora Swift Laptop', 'Nimbus Quiet Headphones'],
      ['Aurora', 'Nimbus'],
      [category],
    );
    expect(queries).toEqual(
      expect.arrayContaining([
        `q=swift&category=${category}`,
        `category=${category}&sort=price_asc`,
        'q=swift%20lapto',
        'q=&sort=newest',
      ]),
    );
  });

  it('when a query is made uncached, then each request is distinct and keeps the words and filters of its query', () => {
    expect(uncached('q=lamp', 7)).toBe('q=lamp&maxPrice=1000000007');
    expect(uncached('q=lamp&minPrice=1000&maxPrice=20000&sort=price_asc', 1234)).toBe(
      'q=lamp&minPrice=1000&maxPrice=20234&sort=price_asc',
    );
    expect(new Set([0, 1, 2].map((n) => uncached('q=&sort=newest', n))).size).toBe(3);
  });

  it('when a process is read from /proc, then its CPU is the time on CPU of all its threads in ms, and undefined once gone', () => {
    const threads = threadCpu(process.pid);
    // The main thread (its id is the process's) and, beside it, V8's platform threads.
    expect(threads.size).toBeGreaterThan(1);
    expect(threads.get(process.pid)).toBeGreaterThan(0);
    expect(processCpu(process.pid)).toBeGreaterThan(0);
    expect(processCpu(2 ** 30)).toBeUndefined();
  });

  it('when a process has run for less than a clock tick, then its CPU is read positive', async () => {
    // `sleep` runs well under a tick (10 ms) before it sleeps: /proc/<pid>/stat says 0 for it.
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await asleep(child.pid!, 'sleep');
      expect(processCpu(child.pid!)).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
  });

  it('when CPU is compared between readings, then a thread that appeared in between counts whole', () => {
    const before = { orders: new Map([[1, 100]]) };
    const after = {
      orders: new Map([
        [1, 150],
        [2, 30],
      ]),
    };
    expect(cpuBetween(before, after)).toEqual({ orders: 80 });
  });

  it('when a Prometheus exposition is summed, then every sample of that metric counts and no other', () => {
    const text = [
      '# HELP messaging_published_total Published',
      'messaging_published_total{service="orders",type="order.created"} 7',
      'messaging_published_total{service="orders",type="order.cancelled"} 2',
      'messaging_published_total_other 100',
      'http_server_request_duration_seconds_count{route="/internal/prices"} 5',
    ].join('\n');
    expect(sumMetric(text, 'messaging_published_total')).toBe(9);
    expect(sumMetric(text, 'http_server_request_duration_seconds_count')).toBe(5);
  });

  it('when an OTLP/HTTP JSON export arrives, then its spans are counted across resources and scopes', () => {
    const body = JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{ spans: [{}, {}] }, { spans: [{}] }] },
        { scopeSpans: [{ spans: [{}] }] },
      ],
    });
    expect(spansInExport(body)).toBe(4);
    expect(spansInExport('not json')).toBe(0);
  });

  it('when an OTLP/HTTP JSON export is written as span lines, then each span is flat, with its service, times in ms and plain attributes', () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 't1',
                  spanId: 's2',
                  parentSpanId: 's1',
                  name: 'process orders.saga',
                  startTimeUnixNano: '1796572664437000000',
                  endTimeUnixNano: '1796572664454158000',
                  attributes: [
                    { key: 'order.id', value: { stringValue: 'o1' } },
                    { key: 'messaging.rabbitmq.message.delivery_tag', value: { intValue: 3 } },
                  ],
                },
                { traceId: 't2', spanId: 's3', parentSpanId: '', name: 'POST /v1/orders' },
              ],
            },
          ],
        },
      ],
    });
    expect(spanLines(body)).toEqual([
      {
        service: 'orders',
        traceId: 't1',
        spanId: 's2',
        parentSpanId: 's1',
        name: 'process orders.saga',
        startMs: 1796572664437,
        endMs: 1796572664454.158,
        attributes: { 'order.id': 'o1', 'messaging.rabbitmq.message.delivery_tag': 3 },
      },
      expect.objectContaining({ service: 'orders', parentSpanId: undefined, startMs: 0 }),
    ]);
    expect(spanLines('not json')).toEqual([]);
  });

  it("when an order's trace shows every point of its way, then each hop is the time from the point before; a trace missing one is left out", () => {
    const span = (
      service: string,
      name: string,
      startMs: number,
      endMs: number,
      message?: { operation: 'publish' | 'process'; key: string },
      traceId = 't1',
    ): SpanLine => ({
      service,
      traceId,
      spanId: `${service}-${startMs}`,
      parentSpanId: undefined,
      name,
      startMs,
      endMs,
      attributes: message
        ? {
            'messaging.operation.name': message.operation,
            'messaging.rabbitmq.destination.routing_key': message.key,
          }
        : {},
    });
    const publish = (key: string) => ({ operation: 'publish' as const, key });
    const process = (key: string) => ({ operation: 'process' as const, key });
    const order = [
      span('storefront', 'POST /v1/orders', 0, 11),
      span('orders', 'POST /v1/orders', 1, 10),
      span('orders', 'publish bazaar.events', 12, 14, publish('order.created')),
      span('catalog', 'process catalog.orders', 15, 20, process('order.created')),
      span('catalog', 'publish bazaar.events', 22, 24, publish('stock.reserved')),
      span('orders', 'process orders.saga', 25, 26, process('stock.reserved')),
      span('payments', 'process payments.stock', 25, 30, process('stock.reserved')),
      span('payments', 'payments.provider authorize', 33, 40),
      span('payments', 'publish bazaar.events', 41, 43, publish('payment.authorized')),
      span('orders', 'process orders.saga', 44, 47, process('payment.authorized')),
    ];
    const unfinished = [span('storefront', 'POST /v1/orders', 0, 11, undefined, 't2')];

    const { orders, hops: figures } = hops([...unfinished, ...order.reverse()]);
    expect(orders).toBe(1);
    expect(figures.map((hop) => hop.p50)).toEqual([10, 2, 3, 5, 2, 3, 5, 3, 7, 1, 3, 3]);
  });

  it('when a spans file holds several runs, then the last run is the orders accepted after the last pause of a second or more', () => {
    const accept = (traceId: string, startMs: number): SpanLine => ({
      service: 'storefront',
      traceId,
      spanId: `s-${traceId}`,
      parentSpanId: undefined,
      name: 'POST /v1/orders',
      startMs,
      endMs: startMs + 5,
      attributes: {},
    });
    const child = (traceId: string, startMs: number): SpanLine => ({
      ...accept(traceId, startMs),
      service: 'orders',
      spanId: `o-${traceId}`,
      name: 'process orders.saga',
    });
    // Saturated: a, b; 2 s later the warm-up w (0.5 s before the paced run) and the paced p, q.
    const spans = [
      accept('a', 0),
      accept('b', 10),
      child('b', 1_500),
      accept('w', 2_010),
      accept('p', 2_500),
      child('a', 2_600),
      accept('q', 2_520),
      child('q', 2_700),
    ];

    expect(new Set(lastRun(spans).map((span) => span.traceId))).toEqual(new Set(['w', 'p', 'q']));
    expect(lastRun(spans)).toHaveLength(4);
    expect(lastRun([])).toEqual([]);
  });
});

/**
 * Waits until process `pid` runs `command` and sleeps (state S): a thread's time on CPU is brought
 * up to date when it leaves the CPU, so until then it may still read 0.
 */
async function asleep(pid: number, command: string): Promise<void> {
  for (;;) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    if (stat.includes(`(${command})`) && state === 'S') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

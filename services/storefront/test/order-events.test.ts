import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, type FakeUpstream } from '@bazaar/service-kit/testing';
import * as answers from './fixtures/answers.js';
import { startHarness, type Harness } from './fixtures/storefront.js';

const SHOPPER = '01936f5e-0000-7000-8000-000000000001';
const ORDER_ID = '01936f5e-1111-7000-8000-000000000001';

/** Orders' side of a stream that stays open (a confirmed order waiting to ship). */
function holdStreamsOpen(orders: FakeUpstream): void {
  orders.on('GET /v1/orders/:id/events', (_received, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('id: 1\nevent: status\ndata: {"status":"confirmed"}\n\n');
  });
}

interface Opened {
  status: number;
  headers: IncomingMessage['headers'];
  /** The whole body (for an answer that is not a stream). */
  text(): Promise<string>;
  /** Goes away as a browser tab would: the connection is closed. */
  close(): void;
}

/**
 * Opens `url` over its own connection. (Aborting fetch leaves an unread stream's socket open
 * in undici, which would keep the server from closing.)
 */
function openStream(url: string, headers: Record<string, string>): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } });
    req.on('error', reject);
    req.on('response', (response) => {
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        text: async () => {
          let text = '';
          for await (const chunk of response) text += String(chunk);
          return text;
        },
        close: () => req.destroy(),
      });
    });
    req.end();
  });
}

describe('storefront order events (SSE)', () => {
  let h: Harness;
  let base: string;

  beforeAll(async () => {
    h = await startHarness();
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => h.close());
  beforeEach(() => Object.values(h.fakes).forEach((fake) => fake.reset()));

  it('when a shopper follows an order, then events stream through as orders sends them and leaving closes orders’ stream', async () => {
    let upstreamClosed = false;
    let push: (text: string) => void = () => undefined;
    h.fakes.orders.on('GET /v1/orders/:id/events', (_received, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('id: 1\nevent: status\ndata: {"status":"pending"}\n\n');
      push = (text) => response.write(text);
      response.on('close', () => (upstreamClosed = true));
    });
    const controller = new AbortController();
    const response = await fetch(`${base}/v1/orders/${ORDER_ID}/events`, {
      headers: { authorization: await h.bearer(SHOPPER), 'last-event-id': '0' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('cache-control')).toContain('no-cache');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended early');
        text += decoder.decode(value);
      }
    };
    await readUntil('"pending"');
    push('id: 2\nevent: status\ndata: {"status":"confirmed"}\n\n');
    await readUntil('"confirmed"');
    const [received] = h.fakes.orders.received;
    expect(received.headers.authorization).toMatch(/^Bearer /);
    expect(received.headers['last-event-id']).toBe('0');

    controller.abort();
    await eventually(() => upstreamClosed);
    expect(upstreamClosed).toBe(true);
  });

  it('when the order is someone else’s, then orders’ 404 comes back as problem+json', async () => {
    h.fakes.orders.reply('GET /v1/orders/:id/events', 404, {
      status: 404,
      title: 'Order not found',
    });
    const response = await fetch(`${base}/v1/orders/${ORDER_ID}/events`, {
      headers: { authorization: await h.bearer(SHOPPER) },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, title: 'Order not found' });
  });

  it('when there is no token, then 401 and orders is not asked', async () => {
    const response = await fetch(`${base}/v1/orders/${ORDER_ID}/events`);
    expect(response.status).toBe(401);
    await response.text();
    expect(h.fakes.orders.received).toHaveLength(0);
  });
});

describe('storefront order events: streams have their own connections and a cap', () => {
  let h: Harness;
  let base: string;
  const open: Opened[] = [];

  const follow = async (shopper: string) => {
    const opened = await openStream(`${base}/v1/orders/${ORDER_ID}/events`, {
      authorization: await h.bearer(shopper),
    });
    open.push(opened);
    return opened;
  };

  beforeAll(async () => {
    // A short upstream timeout: a call stuck behind the streams fails fast instead of waiting.
    h = await startHarness({
      UPSTREAM_TIMEOUT_MS: '1000',
      ORDER_STREAMS_PER_SHOPPER: '2',
    });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => h.close());
  beforeEach(() => Object.values(h.fakes).forEach((fake) => fake.reset()));
  afterEach(async () => {
    open.splice(0).forEach((opened) => opened.close());
    // Every slot is given back once its shopper has gone.
    await eventually(() => h.upstreams.orderEvents.size === 0);
  });

  it('when more streams are open than the request pool holds, then other orders calls still answer', async () => {
    holdStreamsOpen(h.fakes.orders);
    h.fakes.orders.reply('GET /v1/orders/:id', 200, answers.order);
    const streams = await Promise.all(
      Array.from({ length: 70 }, () => follow(randomUUID())), // 70 shoppers, one stream each; the pool holds 64
    );
    expect(streams.map((response) => response.status)).toEqual(Array(70).fill(200));

    const other = await h.app.inject({
      method: 'GET',
      url: `/v1/orders/${answers.ID}`,
      headers: { authorization: await h.bearer(answers.USER_ID) },
    });
    expect(other.statusCode).toBe(200);
    expect(other.json()).toMatchObject({ id: answers.ID });
  });

  it('when a shopper opens more streams than allowed, then 429 problem+json with Retry-After, and one closing frees a slot', async () => {
    holdStreamsOpen(h.fakes.orders);
    const shopper = randomUUID();
    expect((await follow(shopper)).status).toBe(200);
    expect((await follow(shopper)).status).toBe(200);

    const refused = await follow(shopper);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(await refused.text())).toMatchObject({ status: 429 });
    expect(h.fakes.orders.received).toHaveLength(2);

    open[0].close();
    const again = await eventually(
      async () => {
        const response = await follow(shopper);
        if (response.status !== 429) return response;
        await response.text();
        return undefined;
      },
      { what: 'a free slot' },
    );
    expect(again.status).toBe(200);
  });

  it('when orders refuses the stream, then the slot is given back', async () => {
    h.fakes.orders.reply('GET /v1/orders/:id/events', 404, {
      status: 404,
      title: 'Order not found',
    });
    const shopper = randomUUID();
    for (let i = 0; i < 3; i++) {
      const response = await follow(shopper);
      expect(response.status).toBe(404);
      await response.text();
    }
    expect(h.upstreams.orderEvents.size).toBe(0);
  });
});

describe('storefront order events: the cap per process', () => {
  let h: Harness;
  let base: string;

  beforeAll(async () => {
    h = await startHarness({ ORDER_STREAMS_PER_PROCESS: '3' });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => h.close());

  it('when the process holds as many streams as allowed, then the next shopper gets 429 with Retry-After', async () => {
    holdStreamsOpen(h.fakes.orders);
    const open = async () =>
      openStream(`${base}/v1/orders/${ORDER_ID}/events`, {
        authorization: await h.bearer(randomUUID()),
      });
    const first = await Promise.all([open(), open(), open()]);
    expect(first.map((response) => response.status)).toEqual([200, 200, 200]);

    const refused = await open();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(await refused.text())).toMatchObject({ status: 429 });
    first.forEach((opened) => opened.close());
    await eventually(() => h.upstreams.orderEvents.size === 0);
  });
});

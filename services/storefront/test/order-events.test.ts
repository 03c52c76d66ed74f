import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from './fixtures/storefront.js';

const SHOPPER = '01936f5e-0000-7000-8000-000000000001';
const ORDER_ID = '01936f5e-1111-7000-8000-000000000001';

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('storefront order events (SSE)', () => {
  let h: Harness;
  let base: string;

  beforeAll(async () => {
    h = await startHarness('order_events');
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
    await until(() => upstreamClosed);
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

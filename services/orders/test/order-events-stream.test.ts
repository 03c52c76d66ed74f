import { publishEvent } from '@bazaar/messaging/testing';
import type { App } from '@bazaar/service-kit';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { eventually } from '@bazaar/service-kit/testing';
import { ORDER_STATUS_CHANNEL } from '../src/db/status-notifications.js';
import { placeOrder, startHarness, type Harness } from './fixtures/harness.js';
import { openSse, statusesOf } from './fixtures/sse-client.js';

describe('live order status (GET /v1/orders/:id/events, server-sent events)', () => {
  let h: Harness;
  let baseUrl: string;

  /** The app's base URL; the harness's own app already listens (it runs its messaging). */
  async function listen(app: App): Promise<string> {
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    // Heartbeats are a minute apart here: changes must arrive through LISTEN/NOTIFY.
    h = await startHarness('sse', { messaging: true });
    baseUrl = await listen(h.app);
  });
  afterAll(async () => {
    await h.close();
  });

  const cancel = (orderId: string, bearer: string) =>
    h.app.inject({
      method: 'POST',
      url: `/v1/orders/${orderId}/cancel`,
      headers: { authorization: bearer },
    });

  it('when a shopper watches an order, then the current status comes first, then each change as it happens, and the stream ends at a final status', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    const stream = await openSse(`${baseUrl}/v1/orders/${order.id}/events`, {
      authorization: bearer,
    });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain('text/event-stream');
    const first = await stream.nth(1);
    expect(first.event).toBe('status');
    expect(JSON.parse(first.data)).toMatchObject({
      orderId: order.id,
      status: 'pending',
      reason: 'placed',
    });

    await publishEvent({
      namespace: h.namespace,
      type: 'payment.authorized',
      source: 'payments',
      data: { orderId: order.id, paymentId: uuidv7(), amount: order.total, provider: 'test' },
    });
    expect(JSON.parse((await stream.nth(2)).data)).toMatchObject({
      status: 'confirmed',
      reason: 'payment_authorized',
    });

    expect((await cancel(order.id, bearer)).statusCode).toBe(200);
    expect(JSON.parse((await stream.nth(3)).data)).toMatchObject({
      status: 'cancelled',
      reason: 'customer_cancelled',
    });
    await stream.ended;
    expect(statusesOf(stream.events)).toEqual(['pending', 'confirmed', 'cancelled']);
    expect(Number(stream.events[2].id)).toBeGreaterThan(Number(stream.events[0].id));
  });

  it('when an order is placed, then no status notification is sent (no stream can know its id before the answer), and its changes are announced', async () => {
    const listener = new pg.Client({ connectionString: h.database.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => {
      if (n.channel === ORDER_STATUS_CHANNEL) heard.push(n.payload ?? '');
    });
    try {
      await listener.query(`listen ${ORDER_STATUS_CHANNEL}`);
      const bearer = await h.bearer();
      const order = await placeOrder(h, bearer);
      expect((await cancel(order.id, bearer)).statusCode).toBe(200);
      // Notifications arrive in commit order: once a later order's change is heard, every
      // notification of the first order's placement and cancel has arrived.
      const later = await placeOrder(h, bearer);
      expect((await cancel(later.id, bearer)).statusCode).toBe(200);
      await eventually(() => heard.includes(later.id), { what: 'the later cancel announced' });
      expect(heard.filter((id) => id === order.id)).toEqual([order.id]);
    } finally {
      await listener.end();
    }
  });

  it('when the change happens on another replica, then the stream on this one still delivers it', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    const other = await h.replica();
    const otherUrl = await listen(other);
    const stream = await openSse(`${otherUrl}/v1/orders/${order.id}/events`, {
      authorization: bearer,
    });
    await stream.nth(1);

    expect((await cancel(order.id, bearer)).statusCode).toBe(200); // on the first replica

    await stream.nth(2);
    await stream.ended;
    expect(statusesOf(stream.events)).toEqual(['pending', 'cancelled']);
  });

  it('when the stream stays quiet, then heartbeats keep it open and cost no query', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    // Only the stream's own queries count: the replica's relay reads and writes the outbox on
    // its own schedule (its first round, a notification from the first replica's commit, a
    // lease falling due), which a loaded machine can move into this window.
    const messagingTables = /\b(outbox_events|inbox_messages)\b/;
    let queries = 0;
    const counted = h.db.withPlugin({
      transformQuery: (args) => {
        if (!messagingTables.test(JSON.stringify(args.node))) queries += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const chatty = await listen(
      await h.replica({ SSE_HEARTBEAT_MS: '200' }, counted, {
        relaySettings: { pollIntervalMs: 3_600_000 },
      }),
    );
    const stream = await openSse(`${chatty}/v1/orders/${order.id}/events`, {
      authorization: bearer,
    });
    await stream.nth(1);
    const heartbeats = () => stream.comments.filter((c) => c === 'heartbeat').length;
    await eventually(() => heartbeats() >= 1); // the first catch-up read is done by then
    const before = queries;
    expect(before).toBeGreaterThan(0); // the counter sees the stream's reads
    await eventually(() => heartbeats() >= 5, { what: 'four more heartbeats' });
    stream.close();
    expect(queries - before).toBe(0);
  });

  it('when an order stays confirmed with nothing happening, then its stream ends after the idle time with a reconnect hint', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    await publishEvent({
      namespace: h.namespace,
      type: 'payment.authorized',
      source: 'payments',
      data: { orderId: order.id, paymentId: uuidv7(), amount: order.total, provider: 'test' },
    });
    const quiet = await listen(
      await h.replica({ SSE_IDLE_MS: '500', SSE_IDLE_RECONNECT_MS: '45000' }),
    );
    const stream = await openSse(`${quiet}/v1/orders/${order.id}/events`, {
      authorization: bearer,
    });
    await stream.nth(1);
    await stream.ended;
    expect(stream.retries.at(-1)).toBe(45000);
  });

  it('when a client resumes with Last-Event-ID, then it gets only what came after, and an order already final ends the stream', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    const live = await openSse(`${baseUrl}/v1/orders/${order.id}/events`, {
      authorization: bearer,
    });
    const first = await live.nth(1);
    live.close();
    await cancel(order.id, bearer);

    const resumed = await openSse(`${baseUrl}/v1/orders/${order.id}/events`, {
      authorization: bearer,
      'last-event-id': first.id!,
    });
    await resumed.ended;
    expect(statusesOf(resumed.events)).toEqual(['cancelled']);

    const fresh = await openSse(`${baseUrl}/v1/orders/${order.id}/events`, {
      authorization: bearer,
    });
    await fresh.ended;
    expect(statusesOf(fresh.events)).toEqual(['cancelled']);

    // An EventSource reconnects after the end: 204 tells it nothing more will come.
    const again = await openSse(`${baseUrl}/v1/orders/${order.id}/events`, {
      authorization: bearer,
      'last-event-id': resumed.events[0].id!,
    });
    await again.ended;
    expect(again.status).toBe(204);
  });

  it("when another shopper asks for the order's events, then 404 and no stream", async () => {
    const order = await placeOrder(h, await h.bearer());
    const stream = await openSse(`${baseUrl}/v1/orders/${order.id}/events`, {
      authorization: await h.bearer(),
    });
    await stream.ended;
    expect(stream.status).toBe(404);
    expect(stream.contentType).toContain('application/problem+json');
  });

  it('when the listening connection is lost, then it reconnects and the stream still gets the change', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    const stream = await openSse(`${baseUrl}/v1/orders/${order.id}/events`, {
      authorization: bearer,
    });
    await stream.nth(1);
    const { rows } = await sql<{ killed: boolean }>`
      select pg_terminate_backend(pid) as killed from pg_stat_activity
      where application_name = 'orders-status-listener' and datname = current_database()`.execute(
      h.db,
    );
    expect(rows.length).toBeGreaterThan(0);

    expect((await cancel(order.id, bearer)).statusCode).toBe(200);

    await stream.nth(2);
    await stream.ended;
    expect(statusesOf(stream.events)).toEqual(['pending', 'cancelled']);
  });
});

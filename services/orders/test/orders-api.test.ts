import { v7 as uuidv7 } from 'uuid';
import { outboxRows } from '@bazaar/service-kit/testing';
import { placeOrder, startHarness, statusOf, type Harness } from './fixtures/harness.js';

describe('shopper reads, cancel and admin fulfilment', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('orders_api');
  });
  afterAll(async () => {
    await h.close();
  });

  const get = (url: string, bearer?: string) =>
    h.app.inject({ url, headers: bearer ? { authorization: bearer } : {} });
  const post = (url: string, bearer: string) =>
    h.app.inject({ method: 'POST', url, headers: { authorization: bearer } });

  /** Moves an order as the saga would have (the saga's own tests drive it through events). */
  async function setStatus(orderId: string, status: string) {
    await h.db.updateTable('orders').set({ status }).where('id', '=', orderId).execute();
  }

  it('when a shopper lists orders, then only their own come, newest first, page by page', async () => {
    const bearer = await h.bearer();
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await placeOrder(h, bearer));
    await placeOrder(h, await h.bearer()); // someone else's

    const first = await get('/v1/orders?limit=2', bearer);
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    const page2 = (await get(`/v1/orders?limit=2&cursor=${page1.nextCursor}`, bearer)).json();
    const page3 = (await get(`/v1/orders?limit=2&cursor=${page2.nextCursor}`, bearer)).json();

    const ids = [...page1.items, ...page2.items, ...page3.items].map((o: { id: string }) => o.id);
    expect(ids).toEqual(mine.map((o) => o.id).reverse());
    expect(page3.nextCursor).toBeNull();
    expect(page1.items[0]).toMatchObject({
      status: 'pending',
      statusHistory: [{ status: 'pending' }],
    });
  });

  it('when the cursor is not one the list gave out, then 400', async () => {
    const response = await get('/v1/orders?cursor=bm9wZQ', await h.bearer());
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('ORDERS_INVALID_CURSOR');
  });

  it('when a shopper reads their order, then it comes with its status history', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    const response = await get(`/v1/orders/${order.id}`, bearer);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: order.id,
      status: 'pending',
      statusHistory: [{ status: 'pending', reason: 'placed' }],
    });
    expect(Date.parse(response.json().statusHistory[0].at)).not.toBeNaN();
  });

  it("when a shopper reads, cancels or streams another shopper's order, then 404 as if it did not exist", async () => {
    const order = await placeOrder(h, await h.bearer());
    const intruder = await h.bearer();

    const read = await get(`/v1/orders/${order.id}`, intruder);
    const cancel = await post(`/v1/orders/${order.id}/cancel`, intruder);
    const events = await get(`/v1/orders/${order.id}/events`, intruder);
    const missing = await get(`/v1/orders/${uuidv7()}`, intruder);

    for (const response of [read, cancel, events]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('ORDERS_NOT_FOUND');
    }
    expect(read.json().title).toBe(missing.json().title);
    expect((await statusOf(h.db, order.id)).status).toBe('pending');
  });

  it('when nobody is signed in, then reading orders is 401', async () => {
    expect((await get('/v1/orders')).statusCode).toBe(401);
  });

  it.each(['pending', 'stock_reserved', 'confirmed'])(
    'when the owner cancels an order %s, then it is cancelled (customer_cancelled) and order.cancelled is written',
    async (status) => {
      const bearer = await h.bearer();
      const order = await placeOrder(h, bearer);
      await setStatus(order.id, status);

      const response = await post(`/v1/orders/${order.id}/cancel`, bearer);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'cancelled',
        cancelReason: 'customer_cancelled',
      });
      expect(response.json().statusHistory.at(-1)).toMatchObject({
        status: 'cancelled',
        reason: 'customer_cancelled',
      });
      const events = await outboxRows(h.db, {
        type: 'order.cancelled',
        data: { orderId: order.id },
      });
      expect(events.map((e) => e.data)).toEqual([
        { orderId: order.id, userId: order.userId, reason: 'customer_cancelled' },
      ]);
    },
  );

  it('when the owner cancels a cancelled order again, then 200 with the order unchanged and nothing published again', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    await post(`/v1/orders/${order.id}/cancel`, bearer);

    const again = await post(`/v1/orders/${order.id}/cancel`, bearer);

    expect(again.statusCode).toBe(200);
    expect(again.json().statusHistory).toHaveLength(2);
    const events = await outboxRows(h.db, { type: 'order.cancelled', data: { orderId: order.id } });
    expect(events).toHaveLength(1);
  });

  it('when the owner cancels a shipped order, then 409 and it stays shipped', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    await setStatus(order.id, 'shipped');

    const response = await post(`/v1/orders/${order.id}/cancel`, bearer);

    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'ORDERS_TRANSITION_REFUSED',
      status: 409,
      orderStatus: 'shipped',
    });
    expect((await statusOf(h.db, order.id)).status).toBe('shipped');
  });

  it('when an admin ships a confirmed order, then it is shipped and order.shipped is written', async () => {
    const order = await placeOrder(h, await h.bearer());
    await setStatus(order.id, 'confirmed');
    const admin = await h.bearer(uuidv7(), ['admin']);

    const response = await post(`/v1/admin/orders/${order.id}/ship`, admin);

    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('shipped');
    const events = await outboxRows(h.db, { type: 'order.shipped', data: { orderId: order.id } });
    expect(events.map((e) => e.data)).toEqual([{ orderId: order.id, userId: order.userId }]);
    expect((await post(`/v1/admin/orders/${order.id}/ship`, admin)).statusCode).toBe(200);
  });

  it('when an admin ships an order not confirmed, then 409', async () => {
    const order = await placeOrder(h, await h.bearer());
    const response = await post(
      `/v1/admin/orders/${order.id}/ship`,
      await h.bearer(uuidv7(), ['admin']),
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().detail).toContain('pending');
  });

  it('when an admin ships an order that does not exist, then 404', async () => {
    const response = await post(
      `/v1/admin/orders/${uuidv7()}/ship`,
      await h.bearer(uuidv7(), ['admin']),
    );
    expect(response.statusCode).toBe(404);
  });

  it('when an admin lists orders by status, then every shopper’s orders of that status come', async () => {
    const a = await placeOrder(h, await h.bearer());
    const b = await placeOrder(h, await h.bearer());
    await setStatus(a.id, 'confirmed');
    await setStatus(b.id, 'confirmed');
    const admin = await h.bearer(uuidv7(), ['admin']);

    const response = await get('/v1/admin/orders?status=confirmed&limit=100', admin);

    expect(response.statusCode).toBe(200);
    const items = response.json().items as { id: string; status: string }[];
    expect(items.every((o) => o.status === 'confirmed')).toBe(true);
    expect(items.map((o) => o.id)).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it('when a shopper without the admin role uses admin routes, then 403', async () => {
    const bearer = await h.bearer();
    expect((await get('/v1/admin/orders', bearer)).statusCode).toBe(403);
    expect((await post(`/v1/admin/orders/${uuidv7()}/ship`, bearer)).statusCode).toBe(403);
  });

  it('when the admin list gets an unknown status, then 400', async () => {
    const response = await get('/v1/admin/orders?status=lost', await h.bearer(uuidv7(), ['admin']));
    expect(response.statusCode).toBe(400);
  });
});

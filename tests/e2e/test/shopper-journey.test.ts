import { randomUUID } from 'node:crypto';
import { api, followEvents, poll, type Api, type Json } from '../src/api.js';
import {
  ADDRESS,
  adminToken,
  availableOf,
  card,
  CARDS,
  createProduct,
  expectStatus,
  placeOrder,
  register,
  saveCard,
  settledOrder,
  type Shopper,
} from '../src/shop.js';
import { startSystem, type System } from '../src/system.js';

const STARTUP_MS = 240_000;
const STEP_MS = 90_000;

describe('the shopper journey, through the storefront alone', () => {
  let system: System;
  let shop: Api;
  let admin: string;
  let ada: Shopper;
  let teapot: { id: string; name: string };
  let router: { id: string; name: string };
  let orderId: string;
  let cartId: string;
  let methodId: string;
  const key = randomUUID();

  beforeAll(async () => {
    system = await startSystem('journey');
    shop = api(system.storefront);
    admin = await adminToken(shop);
    teapot = await createProduct(shop, admin, {
      name: 'Marmalade Teapot',
      description: 'A glazed stoneware teapot for one',
      stock: 10,
      price: 2450,
    });
    router = await createProduct(shop, admin, {
      name: 'Zephyr router ZR3F2A1C',
      description: 'A mesh router',
      stock: 5,
      price: 8900,
    });
  }, STARTUP_MS);
  afterAll(async () => {
    await system?.stop();
  }, STARTUP_MS);

  it(
    'when a shopper registers, then they get tokens and their profile',
    async () => {
      ada = await register(shop, 'ada');
      const me = await shop.get('/v1/me', { token: ada.token });
      expectStatus('profile', me, 200);
      expect(me.body).toMatchObject({ id: ada.id, email: ada.email, roles: ['customer'] });
    },
    STEP_MS,
  );

  it(
    'when they browse, then the product is listed and readable with its stock',
    async () => {
      const list = await poll(
        () => shop.get('/v1/products?limit=100'),
        (a) => a.status === 200 && a.body.items.some((p: { id: string }) => p.id === teapot.id),
      );
      expectStatus('product list', list, 200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toContain(teapot.id);
      expect(await availableOf(shop, teapot.id)).toBe(10);
      // Catalog's public product, relayed as it is: JSON, the public fields only (no `version`),
      // the same product as in the list, fresh (no-cache) or kept.
      const listed = list.body.items.find((p: { id: string }) => p.id === teapot.id);
      for (const headers of [{ 'cache-control': 'no-cache' }, {}] as Record<string, string>[]) {
        const read = await shop.get(`/v1/products/${teapot.id}`, { headers });
        expectStatus('read product', read, 200);
        expect(read.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(read.headers.get('cache-control')).toBe('public, max-age=5');
        expect(read.body).toStrictEqual(listed);
        expect(Object.keys(read.body).sort()).toEqual(
          [
            'attributes',
            'brand',
            'categoryId',
            'createdAt',
            'description',
            'id',
            'name',
            'price',
            'sku',
            'stock',
            'updatedAt',
          ].sort(),
        );
      }
      const categories = await shop.get('/v1/categories');
      expectStatus('categories', categories, 200);
    },
    STEP_MS,
  );

  it(
    'when they search with a one-letter typo, then the product is still found',
    async () => {
      const found = await poll(
        () => shop.get('/v1/search?q=teapit'),
        (a) => a.status === 200 && a.body.items.some((p: { id: string }) => p.id === teapot.id),
      );
      expectStatus('search', found, 200);
      expect(found.body.items.map((p: { id: string }) => p.id)).toContain(teapot.id);
      expect(found.body.facets.brand).toEqual(
        expect.arrayContaining([expect.objectContaining({ value: 'Bazaar E2E' })]),
      );
      // A model code of letters and digits, one character off.
      const code = await poll(
        () => shop.get('/v1/search?q=zr3f2a1a'),
        (a) => a.status === 200 && a.body.items.some((p: { id: string }) => p.id === router.id),
      );
      expectStatus('search by model code', code, 200);
      expect(code.body.items.map((p: { id: string }) => p.id)).toContain(router.id);
    },
    STEP_MS,
  );

  it(
    'when they fill a cart, then it shows current prices and the total',
    async () => {
      const created = await shop.post('/v1/carts', undefined, { token: ada.token });
      expectStatus('open cart', created, 201);
      cartId = created.body.id;
      const filled = await shop.put(
        `/v1/carts/${cartId}/items/${teapot.id}`,
        { quantity: 2 },
        { token: ada.token },
      );
      expectStatus('set cart item', filled, 200);
      const cart = await shop.get(`/v1/carts/${cartId}`, { token: ada.token });
      expectStatus('read cart', cart, 200);
      expect(cart.body.total).toEqual({ amount: 4900, currency: 'EUR' });
      expect(cart.body.items).toEqual([
        expect.objectContaining({ productId: teapot.id, quantity: 2 }),
      ]);
    },
    STEP_MS,
  );

  let events: Awaited<ReturnType<typeof followEvents>> | undefined;

  it(
    'when they save a card, then they get a payment method, and the same key gives the same one',
    async () => {
      const saveKey = randomUUID();
      const saved = await saveCard(shop, ada.token, CARDS.ok, saveKey);
      expect(saved).toEqual({ id: expect.any(String), brand: 'visa', last4: '4242' });
      methodId = saved.id;
      expect(await saveCard(shop, ada.token, CARDS.ok, saveKey)).toEqual(saved);
    },
    STEP_MS,
  );

  it(
    'when someone else checks out with their saved method, then 404 and no order',
    async () => {
      const eve = await register(shop, 'eve');
      const placed = await placeOrder(shop, eve.token, {
        items: [{ productId: teapot.id, quantity: 1 }],
        shippingAddress: ADDRESS,
        payment: { methodId },
      });
      expectStatus('checkout with another shopper’s method', placed, 404);
      const history = await shop.get('/v1/orders', { token: eve.token });
      expect(history.body.items).toEqual([]);
    },
    STEP_MS,
  );

  it(
    'when they check out with the saved method, then 202 pending, and a replay answers the same order',
    async () => {
      const body = { cartId, shippingAddress: ADDRESS, payment: { methodId } };
      const placed = await placeOrder(shop, ada.token, body, key);
      expectStatus('checkout', placed, 202);
      orderId = placed.body.id;
      expect(placed.body.total).toEqual({ amount: 4900, currency: 'EUR' });
      expect(JSON.stringify(placed.body)).not.toContain(CARDS.ok);
      events = await followEvents(`${system.storefront}/v1/orders/${orderId}/events`, ada.token);
      expect(events.status).toBe(200);

      const replay = await placeOrder(shop, ada.token, body, key);
      expectStatus('replayed checkout', replay, 202);
      expect(replay.body.id).toBe(orderId);
    },
    STEP_MS,
  );

  it(
    'when the saga runs, then the order is confirmed within seconds and the stock went down',
    async () => {
      const order = await settledOrder(shop, ada.token, orderId);
      expect(order.status).toBe('confirmed');
      expect(order.statusHistory.map((s: { status: string }) => s.status)).toEqual(
        expect.arrayContaining(['pending', 'confirmed']),
      );
      expect(await availableOf(shop, teapot.id)).toBe(8);
    },
    STEP_MS,
  );

  it(
    'when the order changes, then the shopper received it as server-sent events',
    async () => {
      const confirmed = await events!.until((e) => e.data.includes('"confirmed"'));
      await events!.close();
      expect(confirmed).toBeDefined();
      expect(events!.events.length).toBeGreaterThanOrEqual(1);
    },
    STEP_MS,
  );

  it(
    'when they look at their history, then the order is there',
    async () => {
      const history = await shop.get('/v1/orders', { token: ada.token });
      expectStatus('history', history, 200);
      expect(history.body.items.map((o: { id: string }) => o.id)).toContain(orderId);
    },
    STEP_MS,
  );

  it(
    'when they cancel, then the stock comes back and the payment is refunded',
    async () => {
      const cancelled = await shop.post(`/v1/orders/${orderId}/cancel`, undefined, {
        token: ada.token,
      });
      expectStatus('cancel', cancelled, 200);
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        cancelReason: 'customer_cancelled',
      });
      const stock = await poll(
        () => availableOf(shop, teapot.id),
        (n) => n === 10,
      );
      expect(stock).toBe(10);
      // A confirmed order is authorized, not yet captured (payments captures on shipping): the
      // refund of an uncaptured authorization is its void; payments publishes payment.refunded
      // for both. Either way the shopper's money is released.
      const released = (a: { status: number; body: Json }) =>
        a.status === 200 &&
        a.body.items.some((p: { status: string }) => ['refunded', 'voided'].includes(p.status));
      const ledger = await poll(
        () => shop.get(`/v1/orders/${orderId}/payments`, { token: ada.token }),
        released,
      );
      expectStatus('payment ledger', ledger, 200);
      expect(released(ledger)).toBe(true);
    },
    STEP_MS,
  );

  it(
    'when a card given at checkout in one step is declined, then the order ends cancelled (payment_declined) and the stock is back',
    async () => {
      const before = await availableOf(shop, teapot.id);
      const placed = await placeOrder(shop, ada.token, {
        items: [{ productId: teapot.id, quantity: 1 }],
        shippingAddress: ADDRESS,
        payment: card(CARDS.declined),
      });
      expectStatus('checkout with a declined card', placed, 202);
      const order = await settledOrder(shop, ada.token, placed.body.id);
      expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'payment_declined' });
      expect(
        await poll(
          () => availableOf(shop, teapot.id),
          (n) => n === before,
        ),
      ).toBe(before);
    },
    STEP_MS,
  );

  it(
    'when an order asks for more than is in stock, then it is refused (409) or ends cancelled (out_of_stock)',
    async () => {
      const scarce = await createProduct(shop, admin, { name: 'Rare Saucer', stock: 2 });
      const placed = await placeOrder(shop, ada.token, {
        items: [{ productId: scarce.id, quantity: 5 }],
        shippingAddress: ADDRESS,
        payment: card(CARDS.ok),
      });
      expectStatus('checkout beyond stock', placed, 202, 409);
      const outcome =
        placed.status === 409
          ? 'refused'
          : await settledOrder(shop, ada.token, placed.body.id).then(
              (order) => `${order.status}:${order.cancelReason}`,
            );
      expect(['refused', 'cancelled:out_of_stock']).toContain(outcome);
      expect(await availableOf(shop, scarce.id)).toBe(2);
    },
    STEP_MS,
  );

  it(
    'when another shopper asks for the order, then 404, for the order and its events',
    async () => {
      const bob = await register(shop, 'bob');
      const order = await shop.get(`/v1/orders/${orderId}`, { token: bob.token });
      expect(order.status).toBe(404);
      const stream = await shop.get(`/v1/orders/${orderId}/events`, { token: bob.token });
      expect(stream.status).toBe(404);
    },
    STEP_MS,
  );

  it(
    'when there is no token, then 401; a customer on an admin route, 403',
    async () => {
      expect((await shop.get('/v1/orders')).status).toBe(401);
      expect((await shop.get(`/v1/orders/${orderId}`)).status).toBe(401);
      const forbidden = await shop.post(
        '/v1/admin/products',
        {
          sku: 'NOPE-1',
          name: 'Nope',
          brand: 'Nope',
          price: { amount: 1, currency: 'EUR' },
          stock: 1,
        },
        { token: ada.token },
      );
      expect(forbidden.status).toBe(403);
      expect((await shop.get('/v1/admin/orders', { token: ada.token })).status).toBe(403);
    },
    STEP_MS,
  );

  it(
    'when a client hammers login on a storefront with rate limits on, then 429 with Retry-After',
    async () => {
      const limited = api(
        await system.startStorefront('limited', {
          BAZAAR_RATE_LIMITS: 'on',
          RATE_LIMIT_AUTH_PER_MINUTE: '3',
        }),
      );
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 5; i++) {
        last = await limited.post('/v1/auth/login', {
          email: ada.email,
          password: 'not the password',
        });
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(last!.status).toBe(429);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(last!.headers.get('content-type')).toContain('application/problem+json');
      expect(last!.headers.get('ratelimit-limit')).toBe('3');
    },
    STEP_MS,
  );
});

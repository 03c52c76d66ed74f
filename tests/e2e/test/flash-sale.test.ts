import { api, poll, type Answer, type Api } from '../src/api.js';
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
  type Shopper,
} from '../src/shop.js';
import { startSystem, type System } from '../src/system.js';

const SHOPPERS = 40;
const ORDERS = 300;
const UNITS = 50;
const STARTUP_MS = 240_000;

async function inBatches<T>(
  count: number,
  size: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, i) => make(start + i));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

describe('a flash sale', () => {
  let system: System;
  let shop: Api;

  beforeAll(async () => {
    system = await startSystem('flash_sale');
    shop = api(system.storefront);
  }, STARTUP_MS);
  afterAll(async () => {
    await system?.stop();
  }, STARTUP_MS);

  it('when 40 shoppers place 300 orders at once for 50 units, then exactly 50 are confirmed, the rest cancelled, and the stock is 0', async () => {
    const admin = await adminToken(shop);
    const product = await createProduct(shop, admin, {
      name: 'Limited Edition Kettle',
      stock: UNITS,
    });
    const shoppers: Shopper[] = await inBatches(SHOPPERS, 10, (i) => register(shop, `flash${i}`));

    const placed: { shopper: Shopper; answer: Answer }[] = await Promise.all(
      Array.from({ length: ORDERS }, async (_, i) => {
        const shopper = shoppers[i % SHOPPERS];
        const answer = await placeOrder(shop, shopper.token, {
          items: [{ productId: product.id, quantity: 1 }],
          shippingAddress: ADDRESS,
          payment: card(CARDS.ok),
        });
        return { shopper, answer };
      }),
    );
    const unexpected = placed.filter(({ answer }) => ![202, 409].includes(answer.status));
    expect(
      unexpected.map(({ answer }) => `${answer.status} ${JSON.stringify(answer.body)}`),
    ).toEqual([]);
    const accepted = placed.filter(({ answer }) => answer.status === 202);
    const refusedAtOnce = placed.length - accepted.length;

    // Every accepted order settles: read each shopper's history until none is in flight.
    const statuses = new Map<string, { status: string; cancelReason: string | null }>();
    const ids = new Set(accepted.map(({ answer }) => answer.body.id as string));
    await poll(
      async () => {
        await Promise.all(
          shoppers.map(async (shopper) => {
            const history = await shop.get('/v1/orders?limit=100', { token: shopper.token });
            expectStatus('order history', history, 200);
            for (const order of history.body.items) {
              if (ids.has(order.id)) statuses.set(order.id, order);
            }
          }),
        );
        return [...statuses.values()].filter((o) =>
          ['pending', 'stock_reserved'].includes(o.status),
        ).length;
      },
      (inFlight) => statuses.size === ids.size && inFlight === 0,
      { timeoutMs: 120_000, everyMs: 1000 },
    );

    const orders = [...statuses.values()];
    const confirmed = orders.filter((o) => o.status === 'confirmed');
    const cancelled = orders.filter((o) => o.status === 'cancelled');
    expect(statuses.size).toBe(accepted.length);
    expect(confirmed).toHaveLength(UNITS);
    expect(cancelled.length + refusedAtOnce).toBe(ORDERS - UNITS);
    expect(cancelled.filter((o) => o.cancelReason !== 'out_of_stock')).toEqual([]);
    expect(await availableOf(shop, product.id)).toBe(0);
  }, 300_000);
});

import { randomUUID } from 'node:crypto';
import type { Storefront } from '../storefront.js';

export interface FlashSaleFigures {
  stock: number;
  orders: number;
  shoppers: number;
  accepted: number;
  refusedAtOnce: number;
  confirmed: number;
  cancelled: number;
  stockAfter: number;
  /** sold === stock and stock after === 0: no overselling, nothing left unsold. */
  exact: boolean;
  /** From the first order sent to the last order final (ms). */
  settleMillis: number;
}

/** Thousands of concurrent orders for a few units. */
export async function flashSale(
  storefront: Storefront,
  settings: {
    adminToken: string;
    stock: number;
    orders: number;
    shoppers: number;
    concurrency: number;
  },
): Promise<FlashSaleFigures> {
  const tokens = await storefront.registerShoppers(settings.shoppers);
  const product = await storefront.createProduct(settings.adminToken, settings.stock);
  const started = Date.now();
  const placed: { id: string; token: string }[] = [];
  let refusedAtOnce = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      while (next < settings.orders) {
        const token = tokens[next++ % tokens.length];
        const answer = await storefront.placeOrder(token, product.id, 1, randomUUID());
        if (answer.order) placed.push({ id: answer.order.id, token });
        else if (answer.status === 409) refusedAtOnce += 1;
        else
          throw new Error(`flash sale order: ${answer.status} ${JSON.stringify(answer.problem)}`);
      }
    }),
  );
  const deadline = Date.now() + 120_000;
  const finals = [];
  for (let i = 0; i < placed.length; i += 100) {
    finals.push(
      ...(await Promise.all(
        placed.slice(i, i + 100).map((o) => storefront.waitFinal(o.token, o.id, deadline)),
      )),
    );
  }
  const settleMillis = Date.now() - started;
  const after = await storefront.product(product.id);
  const confirmed = finals.filter((o) => o.status === 'confirmed').length;
  return {
    stock: settings.stock,
    orders: settings.orders,
    shoppers: settings.shoppers,
    accepted: placed.length,
    refusedAtOnce,
    confirmed,
    cancelled: finals.filter((o) => o.status === 'cancelled').length,
    stockAfter: after.stock.available,
    exact: confirmed === settings.stock && after.stock.available === 0,
    settleMillis,
  };
}

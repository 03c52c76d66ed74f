import { randomUUID } from 'node:crypto';
import type { Request } from 'autocannon';
import { percentiles, runLoad, type LoadFigures } from '../load.js';
import { ADDRESS, millisTo, TEST_CARD, type Storefront } from '../storefront.js';

export interface CheckoutFigures {
  shoppers: number;
  accepted: LoadFigures;
  placedOrders: number;
  confirmed: number;
  cancelled: number;
  unfinished: number;
  /** Placed -> confirmed, from each order's own status history (ms). */
  placedToConfirmed: ReturnType<typeof percentiles>;
  /** Confirmed orders per second over the window from first placed to last confirmed. */
  confirmedPerSecond: number;
}

export interface CheckoutSettings {
  connections: number;
  durationSeconds: number;
  shoppers: number;
  adminToken: string;
  /** Fixed arrival rate (orders/s); unset = as fast as accepted. */
  rate?: number;
  title: string;
  onProgress?: (line: string) => void;
}

/**
 * Many registered shoppers placing orders with `Idempotency-Key`s through the storefront;
 * then every order is followed to its final status.
 */
export async function checkout(
  storefront: Storefront,
  settings: CheckoutSettings,
): Promise<CheckoutFigures> {
  const tokens = await storefront.registerShoppers(settings.shoppers);
  const products = await Promise.all(
    Array.from({ length: 20 }, () => storefront.createProduct(settings.adminToken, 10_000_000)),
  );
  const placed: { id: string; token: string }[] = [];
  const requests: Request[] = [
    {
      method: 'POST',
      path: '/v1/orders',
      setupRequest: (req, context) => {
        const token = tokens[Math.floor(Math.random() * tokens.length)];
        (context as { token?: string }).token = token;
        const productId = products[Math.floor(Math.random() * products.length)].id;
        return {
          ...req,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'idempotency-key': randomUUID(),
          },
          body: JSON.stringify({
            items: [{ productId, quantity: 1 }],
            shippingAddress: ADDRESS,
            payment: { card: TEST_CARD },
          }),
        };
      },
      onResponse: (status, body, context) => {
        if (status === 202)
          placed.push({
            id: (JSON.parse(body) as { id: string }).id,
            token: (context as { token: string }).token,
          });
      },
    },
  ];
  const accepted = await runLoad({
    url: storefront.url,
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    overallRate: settings.rate,
    requests,
    title: settings.title,
    onProgress: settings.onProgress,
  });

  const deadline = Date.now() + 60_000;
  const finals = [];
  for (let i = 0; i < placed.length; i += 50) {
    finals.push(
      ...(await Promise.all(
        placed.slice(i, i + 50).map((o) => storefront.waitFinal(o.token, o.id, deadline)),
      )),
    );
  }
  const confirmed = finals.filter((o) => o?.status === 'confirmed');
  const times = confirmed
    .map((o) => millisTo(o, 'confirmed'))
    .filter((t): t is number => t !== undefined);
  const starts = finals
    .map((o) => Date.parse(o?.statusHistory?.[0]?.at ?? ''))
    .filter(Number.isFinite);
  const ends = confirmed
    .map((o) => Date.parse(o.statusHistory.find((h) => h.status === 'confirmed')?.at ?? ''))
    .filter(Number.isFinite);
  const windowSeconds = ends.length ? (Math.max(...ends) - Math.min(...starts)) / 1000 : NaN;
  return {
    shoppers: settings.shoppers,
    accepted,
    placedOrders: placed.length,
    confirmed: confirmed.length,
    cancelled: finals.filter((o) => o?.status === 'cancelled').length,
    unfinished: finals.filter((o) => !['confirmed', 'cancelled'].includes(o?.status)).length,
    placedToConfirmed: percentiles(times),
    confirmedPerSecond: Math.round(confirmed.length / windowSeconds),
  };
}

import { randomUUID } from 'node:crypto';
import type { Request } from 'autocannon';
import pg from 'pg';
import { startCost, STATS_FLUSH_MS, type Cost, type CostSources } from '../cost.js';
import { byOnset, percentiles, runLoad, type LoadFigures, type OnsetSplit } from '../load.js';
import { runPaced, type PacedFigures } from '../paced-load.js';
import { ADDRESS, millisTo, TEST_CARD, type Storefront } from '../storefront.js';

export interface CheckoutFigures {
  shoppers: number;
  /** Accepted orders: at a rate, paced (latency from each order's due time, with the generator's lag). */
  accepted: LoadFigures | PacedFigures;
  placedOrders: number;
  confirmed: number;
  cancelled: number;
  unfinished: number;
  /** Placed -> confirmed, from each order's own status history (ms). */
  placedToConfirmed: ReturnType<typeof percentiles>;
  /** The same, of the orders placed in the run's first seconds and of those placed after. */
  byOnset: OnsetSplit;
  /** Confirmed orders per second over the window from first placed to last confirmed. */
  confirmedPerSecond: number;
  /** How the orders paid: a saved method (two steps, the default) or a card at checkout. */
  payment: 'saved method' | 'card at checkout';
  /** What an order cost, read from the start of the load until every order settled. */
  cost?: Cost;
}

/** Reading the cost of the run: the sources, and orders' database to see orders settle. */
export interface CheckoutCost {
  sources: CostSources;
  ordersDatabaseUrl: string;
  statsFlushMs?: number;
}

export interface CheckoutSettings {
  connections: number;
  durationSeconds: number;
  shoppers: number;
  adminToken: string;
  /** Fixed arrival rate (orders/s), evenly spaced (an open loop); unset = as fast as accepted. */
  rate?: number;
  title: string;
  /** Send the card with every order (one step) instead of a saved method. */
  cardAtCheckout?: boolean;
  cost?: CheckoutCost;
  /**
   * Run before the warm-up: on this machine, `vacuum (analyze)` of the system's databases
   * (autovacuum is off here, on in production; see `vacuumDatabases`). Before it, not after:
   * the plans, pools and caches a vacuum unsettles are warm again when the measured load starts.
   */
  beforeWarmUp?: () => Promise<void>;
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
  const methods = new Map<string, string>();
  if (!settings.cardAtCheckout) {
    for (const token of tokens) methods.set(token, await storefront.saveCard(token));
  }
  const products = await Promise.all(
    Array.from({ length: 20 }, () => storefront.createProduct(settings.adminToken, 10_000_000)),
  );
  // Each order its own shopper, product and idempotency key, drawn when it is sent.
  const order = () => {
    const token = tokens[Math.floor(Math.random() * tokens.length)];
    const productId = products[Math.floor(Math.random() * products.length)].id;
    return {
      token,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({
        items: [{ productId, quantity: 1 }],
        shippingAddress: ADDRESS,
        payment: settings.cardAtCheckout ? { card: TEST_CARD } : { methodId: methods.get(token) },
      }),
    };
  };
  // Warm, as the bare saga is before its run: JIT, pools and prepared statements in every
  // service, and 50 orders followed to their end.
  await settings.beforeWarmUp?.();
  await warmUp(storefront, order, settings.onProgress);
  const placed: Placed[] = [];
  const meter = settings.cost ? await startCost(settings.cost.sources) : undefined;
  let accepted: LoadFigures | PacedFigures;
  if (settings.rate) {
    // At a rate: evenly spaced arrivals, latency from each order's due time (runPaced).
    const shopperOf = new Map<number, string>();
    accepted = await runPaced({
      url: storefront.url,
      rate: settings.rate,
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      title: settings.title,
      onProgress: settings.onProgress,
      request: (n) => {
        const { token, headers, body } = order();
        shopperOf.set(n, token);
        return { method: 'POST', path: '/v1/orders', headers, body };
      },
      onResponse: (n, status, body) => {
        if (status === 202)
          placed.push({ id: (JSON.parse(body) as { id: string }).id, token: shopperOf.get(n)! });
        shopperOf.delete(n);
      },
    });
  } else {
    // Saturated: a closed loop, as fast as the connections are answered.
    accepted = await runLoad({
      url: storefront.url,
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      requests: [placing(order, placed)],
      title: settings.title,
      onProgress: settings.onProgress,
    });
  }

  let cost: Cost | undefined;
  if (meter && settings.cost) {
    // Settled, as orders' database says (reading each order through the storefront would be
    // part of what is measured); then the CPU, then the counters once Postgres reported them.
    const confirmedCount = await settledInDatabase(
      settings.cost.ordersDatabaseUrl,
      placed.map((o) => o.id),
      Date.now() + 60_000,
    );
    const sources = settings.cost.sources;
    const flush = settings.cost.statsFlushMs ?? STATS_FLUSH_MS;
    cost = await meter.finish(confirmedCount, async () => {
      await new Promise((resolve) => setTimeout(resolve, flush));
      return sources.counters();
    });
  }

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
  const timed = confirmed.flatMap((o) => {
    const took = millisTo(o, 'confirmed');
    return took === undefined ? [] : [{ placedAt: Date.parse(o.statusHistory[0]!.at), ms: took }];
  });
  const times = timed.map((o) => o.ms);
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
    byOnset: byOnset(timed),
    confirmedPerSecond: Math.round(confirmed.length / windowSeconds),
    payment: settings.cardAtCheckout ? 'card at checkout' : 'saved method',
    cost,
  };
}

type Placed = { id: string; token: string };
type NewOrder = { token: string; headers: Record<string, string>; body: string };

/** autocannon's request placing a new order each time, each one placed kept with its shopper. */
function placing(order: () => NewOrder, placed: Placed[]): Request {
  return {
    method: 'POST',
    path: '/v1/orders',
    setupRequest: (req, context) => {
      const { token, headers, body } = order();
      (context as { token?: string }).token = token;
      return { ...req, headers, body };
    },
    onResponse: (status, body, context) => {
      if (status === 202)
        placed.push({
          id: (JSON.parse(body) as { id: string }).id,
          token: (context as { token: string }).token,
        });
    },
  };
}

/** 50 orders on two connections, each followed to its final status (not measured). */
async function warmUp(
  storefront: Storefront,
  order: () => NewOrder,
  onProgress?: (line: string) => void,
): Promise<void> {
  const placed: Placed[] = [];
  await runLoad({
    url: storefront.url,
    connections: 2,
    durationSeconds: 10,
    amount: 50,
    title: 'checkout: warm-up',
    onProgress,
    requests: [placing(order, placed)],
  });
  const deadline = Date.now() + 30_000;
  await Promise.all(placed.map((o) => storefront.waitFinal(o.token, o.id, deadline)));
}

/** Waits until none of these orders is pending in orders' database; returns how many confirmed. */
async function settledInDatabase(url: string, ids: string[], deadline: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ open: string; confirmed: string }>(
        `select count(*) filter (where status in ('pending', 'stock_reserved')) as open,
                count(*) filter (where status in ('confirmed', 'shipped')) as confirmed
           from orders where id = any($1::uuid[])`,
        [ids],
      );
      if (Number(rows[0].open) === 0 || Date.now() > deadline) return Number(rows[0].confirmed);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

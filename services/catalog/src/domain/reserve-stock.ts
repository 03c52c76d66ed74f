import type { EventData } from '@bazaar/contracts';
import type { InboxEntry } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { reserveFittingOrders, reserveLines } from '../db/reservations-repository.js';
import { stockReservedRow, writeStockRejected } from './catalog-events.js';
import { normalizeLines, type LineRequest } from './order-lines.js';
import { publishStockFlips } from './stock-flips.js';

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

export type ReserveResult =
  | { outcome: 'reserved'; lines: LineRequest[] }
  | { outcome: 'rejected'; shortages: Shortage[] }
  /** This order was seen before (a duplicate `order.created`): nothing happens again. */
  | { outcome: 'duplicate' }
  /** Its `order.cancelled` arrived first: nothing is reserved, nothing published. */
  | { outcome: 'cancelled' };

/**
 * Reserves every line of an order, all or nothing, and writes `stock.reserved` or
 * `stock.rejected` to the outbox — all in the caller's transaction (the consumer's, which also
 * holds the inbox row). This decides any order; the usual one was reserved before, with others,
 * by {@link reserveOrdersThatFit}, and what comes here is what that left.
 *
 * The lock of its lines' stock rows (in product-id order, so concurrent orders over overlapping
 * products queue on the same first row instead of deadlocking), the check that every line has
 * enough, the claim of the order, the units taken and the lines stored are one statement and,
 * when every line is taken, the order's `stock.reserved` in the outbox ({@link reserveLines}):
 * Postgres's row locks and the check under them mean two orders can never both take the last
 * unit. The event is built and checked against the catalogue before the statement runs, so an
 * invalid one fails the reservation, as it would when written after it. When a line falls short
 * nothing is taken, and the shortages are reported for every short line (unknown products count
 * as 0 available). The order's reservation row makes this happen once per order, whatever the
 * message id of a duplicate.
 */
export async function reserveStock(
  trx: Kysely<Database>,
  order: EventData<'order.created'>,
): Promise<ReserveResult> {
  const lines = normalizeLines(order.lines);
  const result = await reserveLines(
    trx,
    order,
    lines,
    stockReservedRow(reservedData(order, lines)),
  );
  if (result.outcome === 'claimed') {
    return result.status === 'cancelled' ? { outcome: 'cancelled' } : { outcome: 'duplicate' };
  }

  if (result.outcome === 'short') {
    const shortages = lines
      .map((line) => ({
        productId: line.productId,
        requested: line.quantity,
        available: result.available.get(line.productId) ?? 0,
      }))
      .filter((s) => s.available < s.requested);
    await writeStockRejected(trx, { orderId: order.orderId, userId: order.userId, shortages });
    return { outcome: 'rejected', shortages };
  }

  await publishStockFlips(
    trx,
    lines.filter((line) => result.left.get(line.productId) === 0).map((line) => line.productId),
  );
  return { outcome: 'reserved', lines };
}

/** An order for {@link reserveOrdersThatFit}, with the trace context its event is written in. */
export interface OrderToReserve {
  order: EventData<'order.created'>;
  /** Runs `fn` in the order's delivery's trace context (default: the active one). */
  within?: <R>(fn: () => R) => R;
}

/**
 * Reserves, in ONE statement, those of `orders` that surely fit and are new, each all or
 * nothing with its `stock.reserved` (in its own trace context); resolves to the ids of the ones
 * it reserved. It writes nothing for the others: each is left to {@link reserveStock}, applied
 * after it one by one in `orders`' order, and the outcome is the one of applying them all one by
 * one in that order (see `reserveFittingOrders`): a short order, one taking a product's last
 * unit, a duplicate, one cancelled first, an unknown product.
 *
 * For a batch's orders (the handler's `together` form, in the batch's transaction) and for a
 * delivery on its own, with `inbox`: its `alone` form, this statement alone, outside any
 * transaction, writing the inbox row when it reserves the order.
 */
export async function reserveOrdersThatFit(
  db: Kysely<Database>,
  orders: readonly OrderToReserve[],
  inbox?: InboxEntry,
): Promise<Set<string>> {
  const fitting = orders.map(({ order, within = (fn) => fn() }) => {
    const lines = normalizeLines(order.lines);
    return {
      orderId: order.orderId,
      userId: order.userId,
      lines,
      reserved: within(() => stockReservedRow(reservedData(order, lines))),
    };
  });
  const reserved = new Set(await reserveFittingOrders(db, fitting, inbox));
  return new Set(
    orders.map(({ order }) => order.orderId).filter((id) => reserved.has(id.toLowerCase())),
  );
}

function reservedData(
  order: EventData<'order.created'>,
  lines: LineRequest[],
): EventData<'stock.reserved'> {
  return {
    orderId: order.orderId,
    userId: order.userId,
    lines,
    total: order.total,
    paymentMethodId: order.paymentMethodId,
  };
}

import type { EventData } from '@bazaar/contracts';
import type { InboxEntry } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { reserveLines } from '../db/reservations-repository.js';
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
  | { outcome: 'cancelled' }
  /** With `inbox` only: not to be applied in one statement; nothing written (see below). */
  | { outcome: 'declined' };

/**
 * Reserves every line of an order, all or nothing, and writes `stock.reserved` or
 * `stock.rejected` to the outbox — all in the caller's transaction (the consumer's, which also
 * holds the inbox row).
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
 *
 * With `inbox` (a delivery on its own: the handler's `alone` form), that one statement is all,
 * outside any transaction, and writes the inbox row too — when the order is new and every line
 * has enough and keeps a unit (the usual case). Otherwise it writes nothing and the result is
 * `declined`: the consumer applies the message in its transaction, where a short order's
 * `stock.rejected` and an emptied product's `product.updated` are written with it.
 */
export async function reserveStock(
  trx: Kysely<Database>,
  order: EventData<'order.created'>,
  inbox?: InboxEntry,
): Promise<ReserveResult> {
  const lines = normalizeLines(order.lines);
  const reserved = stockReservedRow({
    orderId: order.orderId,
    userId: order.userId,
    lines,
    total: order.total,
    paymentMethodId: order.paymentMethodId,
  });
  const result = await reserveLines(trx, order, lines, reserved, inbox);
  if (result.outcome === 'declined') return result;
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

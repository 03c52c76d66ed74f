import type { EventData } from '@bazaar/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { reserveLines, setReservationStatus } from '../db/reservations-repository.js';
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
 * holds the inbox row).
 *
 * The claim of the order, the lock of its lines' stock rows (in product-id order, so concurrent
 * orders over overlapping products queue on the same first row instead of deadlocking), the
 * check that every line has enough, the units taken and the lines stored are one statement
 * and, when every line is taken, the order's `stock.reserved` in the outbox
 * ({@link reserveLines}): Postgres's row locks and the check under them mean two orders can
 * never both take the last unit. The event is built and checked against the catalogue before
 * the statement runs, so an invalid one fails the reservation, as it would when written after
 * it. When a line falls short nothing is taken, and the shortages are reported for every short
 * line (unknown products count as 0 available). The order's
 * reservation row makes this happen once per order, whatever the message id of a duplicate.
 */
export async function reserveStock(
  trx: Kysely<Database>,
  order: EventData<'order.created'>,
): Promise<ReserveResult> {
  const lines = normalizeLines(order.lines);
  const reserved = stockReservedRow({
    orderId: order.orderId,
    userId: order.userId,
    lines,
    total: order.total,
    paymentMethodId: order.paymentMethodId,
  });
  const result = await reserveLines(trx, order, lines, reserved);
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
    await setReservationStatus(trx, order.orderId, 'rejected');
    await writeStockRejected(trx, { orderId: order.orderId, userId: order.userId, shortages });
    return { outcome: 'rejected', shortages };
  }

  await publishStockFlips(
    trx,
    lines.filter((line) => result.left.get(line.productId) === 0).map((line) => line.productId),
  );
  return { outcome: 'reserved', lines };
}

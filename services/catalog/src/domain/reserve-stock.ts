import type { EventData } from '@bazaar/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import {
  claimOrder,
  insertReservationLines,
  setReservationStatus,
} from '../db/reservations-repository.js';
import { findAvailability, returnStock, takeStock } from '../db/stock-repository.js';
import { writeStockRejected, writeStockReserved } from './catalog-events.js';
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
 * Each line is one conditional update (`available >= quantity`), taken in product-id order, so
 * concurrent orders over overlapping products queue on the same first row instead of
 * deadlocking. When a line falls short, the units already taken are given back in the same
 * transaction, and the shortages are reported for every short line (unknown products count as
 * 0 available). The order's reservation row makes this happen once per order, whatever the
 * message id of a duplicate.
 */
export async function reserveStock(
  trx: Kysely<Database>,
  order: EventData<'order.created'>,
): Promise<ReserveResult> {
  const previous = await claimOrder(trx, order.orderId, order.userId, 'reserved');
  if (previous === 'cancelled') return { outcome: 'cancelled' };
  if (previous !== undefined) return { outcome: 'duplicate' };

  const lines = normalizeLines(order.lines);
  const taken: { line: LineRequest; left: number }[] = [];
  let failed: LineRequest | undefined;
  for (const line of lines) {
    const left = await takeStock(trx, line.productId, line.quantity);
    if (left === undefined) {
      failed = line;
      break;
    }
    taken.push({ line, left });
  }

  if (failed) {
    for (const { line } of taken) await returnStock(trx, line.productId, line.quantity);
    const shortages = await findShortages(trx, lines, failed);
    await setReservationStatus(trx, order.orderId, 'rejected');
    await writeStockRejected(trx, { orderId: order.orderId, userId: order.userId, shortages });
    return { outcome: 'rejected', shortages };
  }

  await insertReservationLines(trx, order.orderId, lines);
  await writeStockReserved(trx, {
    orderId: order.orderId,
    userId: order.userId,
    lines,
    total: order.total,
    paymentMethodId: order.paymentMethodId,
  });
  await publishStockFlips(
    trx,
    taken.filter((t) => t.left === 0).map((t) => t.line.productId),
  );
  return { outcome: 'reserved', lines };
}

/** Every line short of stock as it stands now; the line whose update failed is always one of them. */
async function findShortages(
  trx: Kysely<Database>,
  lines: readonly LineRequest[],
  failed: LineRequest,
): Promise<Shortage[]> {
  const available = await findAvailability(
    trx,
    lines.map((l) => l.productId),
  );
  return lines
    .map((line) => ({
      productId: line.productId,
      requested: line.quantity,
      available: available.get(line.productId) ?? 0,
    }))
    .filter((s) => s.productId === failed.productId || s.available < s.requested);
}

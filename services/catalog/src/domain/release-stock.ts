import type { EventData } from '@bazaar/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { claimOrder, markReleased } from '../db/reservations-repository.js';
import { returnStock } from '../db/stock-repository.js';
import type { LineRequest } from './order-lines.js';
import { publishStockFlips } from './stock-flips.js';

export type ReleaseResult =
  | { outcome: 'released'; lines: LineRequest[] }
  /** Nothing was held: the order was rejected, already released, or is unknown here. */
  | { outcome: 'nothing-held' };

/**
 * Gives back what a cancelled order reserved, once: the reservation moves `reserved` ->
 * `released` in one conditional update, and only the call that made that move returns units
 * (in product-id order, like reservations). A cancel for an order catalog has not seen yet
 * leaves a `cancelled` mark, so its late `order.created` reserves nothing.
 */
export async function releaseStock(
  trx: Kysely<Database>,
  cancel: Pick<EventData<'order.cancelled'>, 'orderId' | 'userId'>,
): Promise<ReleaseResult> {
  const lines = await markReleased(trx, cancel.orderId);
  if (!lines) {
    await claimOrder(trx, cancel.orderId, cancel.userId, 'cancelled');
    return { outcome: 'nothing-held' };
  }
  const restocked: string[] = [];
  for (const line of lines) {
    const available = await returnStock(trx, line.productId, line.quantity);
    if (available === line.quantity) restocked.push(line.productId);
  }
  await publishStockFlips(trx, restocked);
  return { outcome: 'released', lines };
}

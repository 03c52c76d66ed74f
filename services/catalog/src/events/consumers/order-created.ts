import type { EventHandler, Logger } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { reserveStock } from '../../domain/reserve-stock.js';

/**
 * `order.created` -> reserve every line, all or nothing, and publish `stock.reserved` or
 * `stock.rejected` (both written in the handler's transaction, with the inbox row).
 */
export function onOrderCreated(log: Logger): EventHandler<Database, 'order.created'> {
  return async (event, trx) => {
    const result = await reserveStock(trx, event.data);
    log.info({ orderId: event.data.orderId, outcome: result.outcome }, 'order stock handled');
  };
}

import type { EventHandler, Logger } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { releaseStock } from '../../domain/release-stock.js';

/** `order.cancelled` -> give back what the order reserved, once. */
export function onOrderCancelled(log: Logger): EventHandler<Database, 'order.cancelled'> {
  return async (event, trx) => {
    const result = await releaseStock(trx, event.data);
    log.info(
      { orderId: event.data.orderId, outcome: result.outcome },
      'order cancellation handled',
    );
  };
}

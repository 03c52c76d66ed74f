import type { EventHandler, Logger } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { reserveStock } from '../../domain/reserve-stock.js';

/**
 * `order.created` -> reserve every line, all or nothing, and publish `stock.reserved` or
 * `stock.rejected` (both written in the handler's transaction, with the inbox row). Alone, an
 * order that every line can serve and keep a unit of is one statement with its inbox row,
 * without a transaction; anything else is left to the transaction.
 */
export function onOrderCreated(log: Logger): EventHandler<Database, 'order.created'> {
  const handler: EventHandler<Database, 'order.created'> = async (event, trx) => {
    const result = await reserveStock(trx, event.data);
    log.info({ orderId: event.data.orderId, outcome: result.outcome }, 'order stock handled');
  };
  handler.alone = async (event, db, inbox) => {
    const result = await reserveStock(db, event.data, inbox);
    if (result.outcome === 'declined') return false;
    log.info({ orderId: event.data.orderId, outcome: result.outcome }, 'order stock handled');
    return true;
  };
  return handler;
}

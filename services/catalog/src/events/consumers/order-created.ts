import type { EventHandler, Logger } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { reserveOrdersThatFit, reserveStock } from '../../domain/reserve-stock.js';

/**
 * `order.created` -> reserve every line, all or nothing, and publish `stock.reserved` or
 * `stock.rejected` (both written in the handler's transaction, with the inbox row). The usual
 * order, one that surely fits, is reserved by one statement: alone, with its inbox row and
 * without a transaction; in a batch, with the other orders of its wave. What that statement
 * leaves (a short order, the last unit, a duplicate) the handler decides, one by one.
 */
export function onOrderCreated(log: Logger): EventHandler<Database, 'order.created'> {
  const handler: EventHandler<Database, 'order.created'> = async (event, trx) => {
    const result = await reserveStock(trx, event.data);
    log.info({ orderId: event.data.orderId, outcome: result.outcome }, 'order stock handled');
  };
  handler.alone = async (event, db, inbox) => {
    const reserved = await reserveOrdersThatFit(db, [{ order: event.data }], inbox);
    if (reserved.size === 0) return false;
    log.info({ orderId: event.data.orderId, outcome: 'reserved' }, 'order stock handled');
    return true;
  };
  handler.together = async (deliveries, trx) => {
    const reserved = await reserveOrdersThatFit(
      trx,
      deliveries.map(({ event, within }) => ({ order: event.data, within })),
    );
    const left: string[] = [];
    for (const { event, within } of deliveries) {
      const { orderId } = event.data;
      if (!reserved.has(orderId)) left.push(event.id);
      else within(() => log.info({ orderId, outcome: 'reserved' }, 'order stock handled'));
    }
    return left;
  };
  return handler;
}

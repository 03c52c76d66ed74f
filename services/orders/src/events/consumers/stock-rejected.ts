import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { handleSagaEvent, type SagaDeps } from '../saga-handler.js';

/**
 * catalog could not reserve (nothing was reserved): `pending` → `cancelled` (`out_of_stock`).
 * No `order.cancelled`: catalog holds nothing to release and payments, which only acts on
 * `stock.reserved`, never started.
 */
export function onStockRejected(deps: SagaDeps): EventHandler<Database, 'stock.rejected'> {
  return async (event, trx) => {
    deps.log.info(
      { orderId: event.data.orderId, shortages: event.data.shortages },
      'stock rejected',
    );
    await handleSagaEvent(trx, event, deps);
  };
}

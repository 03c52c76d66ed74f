import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { handleSagaEvent, type SagaDeps } from '../saga-handler.js';

/** catalog reserved every line: `pending` → `stock_reserved` (payments now authorizes). */
export function onStockReserved(deps: SagaDeps): EventHandler<Database, 'stock.reserved'> {
  return async (event, trx) => {
    await handleSagaEvent(trx, event, deps);
  };
}

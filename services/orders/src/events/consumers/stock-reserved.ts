import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { handleSagaEvent, handleSagaEventAlone, type SagaDeps } from '../saga-handler.js';

/**
 * catalog reserved every line: `pending` → `stock_reserved` (payments now authorizes). Alone, the
 * usual step is one statement with its inbox row, without a transaction.
 */
export function onStockReserved(deps: SagaDeps): EventHandler<Database, 'stock.reserved'> {
  const handler: EventHandler<Database, 'stock.reserved'> = async (event, trx) => {
    await handleSagaEvent(trx, event, deps);
  };
  handler.alone = async (event, db, inbox) =>
    (await handleSagaEventAlone(db, event, inbox, deps)) !== undefined;
  return handler;
}

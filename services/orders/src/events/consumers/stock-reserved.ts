import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import {
  handleSagaEvent,
  handleSagaEventAlone,
  handleSagaEventsTogether,
  type SagaDeps,
} from '../saga-handler.js';

/**
 * catalog reserved every line: `pending` → `stock_reserved` (payments now authorizes). Alone, the
 * usual step is one statement with its inbox row, without a transaction; for several orders of a
 * batch, one statement moves them all.
 */
export function onStockReserved(deps: SagaDeps): EventHandler<Database, 'stock.reserved'> {
  const handler: EventHandler<Database, 'stock.reserved'> = async (event, trx) => {
    await handleSagaEvent(trx, event, deps);
  };
  handler.alone = async (event, db, inbox) =>
    (await handleSagaEventAlone(db, event, inbox, deps)) !== undefined;
  handler.together = async (deliveries, trx) =>
    (await handleSagaEventsTogether(trx, deliveries, deps)).left;
  return handler;
}

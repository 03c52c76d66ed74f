import type { EventEnvelope } from '@bazaar/contracts';
import type { EventHandler } from '@bazaar/messaging';
import { traceCarrier } from '@bazaar/telemetry';
import type { Database } from '../../db/database.js';
import { authorizeOrderPayment, authorizeOrderPayments } from '../../domain/authorize-payment.js';
import type { OperationHandOff } from '../../domain/provider-operation.js';

const requestOf = ({ data }: EventEnvelope<'stock.reserved'>) => ({
  orderId: data.orderId,
  userId: data.userId,
  total: data.total,
  paymentMethodId: data.paymentMethodId,
});

/**
 * `stock.reserved` (queue `payments.stock`): the order's total is to be authorized, once; the
 * authorization asked for goes to the runner once committed. Alone, that is one statement with
 * its inbox row, without a transaction; an authorization asked before is left to the
 * transaction (where the inbox sees a repeat). For several orders of a batch, one statement asks
 * them all, each in its event's trace; it leaves nothing to the handler: an authorization it
 * finds asked before is one the handler would find so too, and leave as it is.
 */
export function onStockReserved(
  runner: OperationHandOff,
): EventHandler<Database, 'stock.reserved'> {
  const take = (orderId: string) => () => runner.take({ orderId, operation: 'authorize' });
  const handler: EventHandler<Database, 'stock.reserved'> = async (event, trx, { afterCommit }) => {
    if (await authorizeOrderPayment(trx, requestOf(event))) afterCommit(take(event.data.orderId));
  };
  handler.alone = async (event, db, inbox, { afterCommit }) => {
    const asked = await authorizeOrderPayment(db, requestOf(event), inbox);
    if (asked) afterCommit(take(event.data.orderId));
    return asked;
  };
  handler.together = async (deliveries, trx, { afterCommit }) => {
    const asked = await authorizeOrderPayments(
      trx,
      deliveries.map(({ event, within }) => ({
        ...requestOf(event),
        traceContext: within(traceCarrier),
      })),
    );
    const byOrder = new Map(deliveries.map((d) => [d.event.data.orderId, d]));
    // Handed over in each delivery's trace: the runner's claim continues it.
    for (const orderId of asked) byOrder.get(orderId)!.within(() => afterCommit(take(orderId)));
    return [];
  };
  return handler;
}

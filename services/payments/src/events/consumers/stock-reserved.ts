import type { EventEnvelope } from '@bazaar/contracts';
import type { EventHandler } from '@bazaar/messaging';
import { traceCarrier } from '@bazaar/telemetry';
import type { Database } from '../../db/database.js';
import type { RequestedOperation } from '../../db/provider-operations-repository.js';
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
 * authorization asked for goes to the runner once committed, inserted already claimed for it
 * while it runs (then it makes no claim). Alone, that is one statement with its inbox row,
 * without a transaction; an authorization asked before is left to the transaction (where the
 * inbox sees a repeat). For several orders of a batch, one statement asks them all, each in its
 * event's trace; it leaves nothing to the handler: an authorization it finds asked before is one
 * the handler would find so too, and leave as it is.
 */
export function onStockReserved(
  runner: OperationHandOff,
): EventHandler<Database, 'stock.reserved'> {
  const handOver = (asked: RequestedOperation) => () =>
    asked.claimed ? runner.takeClaimed(asked.claimed) : runner.take(asked);
  const handler: EventHandler<Database, 'stock.reserved'> = async (event, trx, { afterCommit }) => {
    const asked = await authorizeOrderPayment(trx, requestOf(event), { leaseMs: runner.leaseMs });
    if (asked) afterCommit(handOver(asked));
  };
  handler.alone = async (event, db, inbox, { afterCommit }) => {
    const asked = await authorizeOrderPayment(db, requestOf(event), {
      inbox,
      leaseMs: runner.leaseMs,
    });
    if (asked) afterCommit(handOver(asked));
    return asked !== undefined;
  };
  handler.together = async (deliveries, trx, { afterCommit }) => {
    const asked = await authorizeOrderPayments(
      trx,
      deliveries.map(({ event, within }) => ({
        ...requestOf(event),
        traceContext: within(traceCarrier),
      })),
      { leaseMs: runner.leaseMs },
    );
    const byOrder = new Map(deliveries.map((d) => [d.event.data.orderId, d]));
    // Handed over in each delivery's trace.
    for (const operation of asked) {
      byOrder.get(operation.orderId)!.within(() => afterCommit(handOver(operation)));
    }
    return [];
  };
  return handler;
}

import type { EventData } from '@bazaar/contracts';
import {
  outboxRowShell,
  writeEvent,
  type OutboxEvent,
  type OutboxRowShell,
} from '@bazaar/messaging';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { Money } from './money.js';
import type { OrderHead, OrderLine } from './order.js';
import type { OrderEventType } from './order-state.js';

type ContractCancelReason = EventData<'order.cancelled'>['reason'];

/*
 * Every event orders publishes, written to the outbox in the caller's transaction (the relay
 * sends it after commit). Data shapes are those of `@bazaar/contracts`.
 */

/** `order.created` of a new order (its lines at the prices charged, its payment method). */
export function orderCreatedEvent(
  order: { id: string; userId: string; lines: OrderLine[]; total: Money; paymentMethodId: string },
  at: Date,
): OutboxEvent<'order.created'> {
  return {
    type: 'order.created',
    time: at.toISOString(),
    data: {
      orderId: order.id,
      userId: order.userId,
      lines: order.lines.map((l) => ({
        productId: l.productId,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
      })),
      total: order.total,
      paymentMethodId: order.paymentMethodId,
    },
  };
}

export async function writeOrderCreated(
  trx: Transaction<Database>,
  order: { id: string; userId: string; lines: OrderLine[]; total: Money; paymentMethodId: string },
  at: Date,
): Promise<void> {
  await writeEvent(trx, orderCreatedEvent(order, at));
}

/**
 * The reason `order.cancelled` carries. The contract's reasons predate `payment_refunded`, and a
 * new one would be a breaking change for its consumers (catalog, payments), who act the same on
 * every reason: a voided payment is published as `payment_declined` (the order has no payment),
 * while the order's history and `cancelReason` keep the precise reason.
 */
function eventReason(reason: string): ContractCancelReason {
  return reason === 'payment_refunded' ? 'payment_declined' : (reason as ContractCancelReason);
}

/** The data of the event a transition publishes, from the order's head. */
export function transitionEventData(
  type: OrderEventType,
  order: Pick<OrderHead, 'id' | 'userId' | 'total'>,
  reason: string,
): EventData<OrderEventType> {
  const base = { orderId: order.id, userId: order.userId };
  switch (type) {
    case 'order.confirmed':
      return { ...base, total: order.total };
    case 'order.cancelled':
      return { ...base, reason: eventReason(reason) };
    case 'order.shipped':
      return base;
  }
}

/** The event a transition publishes (`order.confirmed`, `order.cancelled`, `order.shipped`). */
export async function writeTransitionEvent(
  trx: Transaction<Database>,
  type: OrderEventType,
  order: OrderHead,
  reason: string,
  at: Date,
): Promise<void> {
  await writeEvent(trx, {
    type,
    time: at.toISOString(),
    data: transitionEventData(type, order, reason),
  } as OutboxEvent);
}

/**
 * The transition's event as the statement that moves the order writes it (see `moveOrderIfIn`):
 * its outbox row but the data, which the statement builds from the order's row as
 * {@link transitionEventData} does, and the reason the data carries.
 */
export function transitionEventRow(
  type: OrderEventType,
  reason: string,
  at: Date,
): { row: OutboxRowShell; reason: string } {
  return { row: outboxRowShell({ type, time: at.toISOString() }), reason: eventReason(reason) };
}

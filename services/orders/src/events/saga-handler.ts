import { orderIdOf, type EventEnvelope } from '@bazaar/contracts';
import { PermanentError, type Delivered, type InboxEntry, type Logger } from '@bazaar/messaging';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import {
  applySagaEvent,
  applySagaStepAlone,
  applySagaStepsTogether,
  type SagaMove,
  type TransitionDeps,
  type TransitionOutcome,
} from '../domain/apply-transition.js';
import type { SagaEvent } from '../domain/order-state.js';

export interface SagaDeps extends TransitionDeps {
  log: Logger;
}

/**
 * Applies one saga event to its order inside the consumer's transaction (the inbox row is in
 * the same one). An event that no longer applies — a duplicate, a late event for a cancelled
 * order — is absorbed: logged and acknowledged, never thrown back into a retry loop. An event
 * for an order orders never had can never succeed: straight to the dead-letter queue.
 */
export async function handleSagaEvent(
  trx: Transaction<Database>,
  event: EventEnvelope<SagaEvent>,
  deps: SagaDeps,
): Promise<Exclude<TransitionOutcome, { kind: 'not_found' }>> {
  const { orderId } = event.data as { orderId: string };
  const context = { orderId, eventId: event.id, eventType: event.type };
  const outcome = await applySagaEvent(trx, orderId, event.type as SagaEvent, deps);
  switch (outcome.kind) {
    case 'not_found':
      throw new PermanentError(`${event.type} ${event.id} names unknown order ${orderId}`);
    case 'transitioned':
      // The usual step: it is in the order's status history and its trace already; a line per
      // message at info would be the service's loudest output, telling nothing new.
      deps.log.debug({ ...context, from: outcome.from, to: outcome.to }, 'order moved');
      return outcome;
    case 'noted':
      deps.log.error(
        { ...context, status: outcome.order.status, reason: outcome.reason },
        'order shipped unpaid: its payment is gone',
      );
      return outcome;
    case 'unchanged':
      deps.log.info({ ...context, status: outcome.order.status }, 'saga event already in effect');
      return outcome;
    default:
      // `absorbed` (events are never `refused`: that answers commands).
      deps.log.warn(
        {
          ...context,
          status: outcome.order.status,
          why: outcome.why,
        },
        'saga event absorbed: acknowledged without effect',
      );
      return outcome;
  }
}

/**
 * The `alone` form of a saga event's handler (see `EventHandler`): its usual step on its own
 * with the inbox row (`applySagaStepAlone`: one statement, or BEGIN, one statement, COMMIT when
 * it publishes). Returns the move, or undefined when the order is elsewhere (the consumer then
 * applies the event with {@link handleSagaEvent}).
 */
export async function handleSagaEventAlone(
  db: Kysely<Database>,
  event: EventEnvelope<SagaEvent>,
  inbox: InboxEntry,
  deps: SagaDeps,
): Promise<SagaMove | undefined> {
  const { orderId } = event.data as { orderId: string };
  const outcome = await applySagaStepAlone(db, orderId, event.type as SagaEvent, inbox, deps);
  if (outcome) {
    deps.log.debug(
      { orderId, eventId: event.id, eventType: event.type, from: outcome.from, to: outcome.to },
      'order moved',
    );
  }
  return outcome;
}

/**
 * The `together` form of a saga event's handler (see `EventHandler`): the usual step of every
 * delivery's order in one statement (`applySagaStepsTogether`), each event in its delivery's
 * trace. Returns the moves, each with the event that made it, and the ids of the events whose
 * order is elsewhere, which the consumer then applies one by one with {@link handleSagaEvent}.
 */
export async function handleSagaEventsTogether<T extends SagaEvent>(
  trx: Transaction<Database>,
  deliveries: Array<Delivered<T>>,
  deps: SagaDeps,
): Promise<{ moved: Array<SagaMove & { event: EventEnvelope<T> }>; left: string[] }> {
  const type = deliveries[0]!.event.type as SagaEvent;
  const byOrder = new Map(deliveries.map((delivery) => [orderIdOf(delivery.event), delivery]));
  const orders = [...byOrder].map(([orderId, { within }]) => ({ orderId, within }));
  const { moved, left } = await applySagaStepsTogether(trx, type, orders, deps);
  const movedBy = moved.map((move) => {
    const { event, within } = byOrder.get(move.order.id)!;
    within(() =>
      deps.log.debug(
        {
          orderId: move.order.id,
          eventId: event.id,
          eventType: type,
          from: move.from,
          to: move.to,
        },
        'order moved',
      ),
    );
    return { ...move, event };
  });
  return { moved: movedBy, left: left.map((orderId) => byOrder.get(orderId)!.event.id) };
}

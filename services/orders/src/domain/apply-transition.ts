import { checkWrittenEvent, type InboxEntry, type OutboxRowShell } from '@bazaar/messaging';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import {
  insertStatusChange,
  lockOrderHead,
  moveOrdersIfIn,
  updateOrderStatus,
} from '../db/orders-repository.js';
import { transitionEventRow, writeTransitionEvent } from './order-events.js';
import type { SagaMetrics } from '../metrics/saga-metrics.js';
import type { OrderHead } from './order.js';
import {
  decide,
  settlesSaga,
  type Decision,
  USUAL_STATUS,
  type OrderStatus,
  type SagaEvent,
  type Trigger,
} from './order-state.js';

export interface TransitionDeps {
  metrics: SagaMetrics;
  now: () => Date;
}

export type TransitionOutcome =
  | { kind: 'not_found' }
  | { kind: 'transitioned'; from: OrderStatus; to: OrderStatus; order: OrderHead }
  | { kind: 'unchanged'; order: OrderHead }
  | { kind: 'noted'; reason: string; order: OrderHead }
  | { kind: 'absorbed'; why: string; order: OrderHead }
  | { kind: 'refused'; why: string; order: OrderHead };

/**
 * Moves a locked order as `decision` says, in the caller's transaction: the new status, a
 * history row with time and reason (its trigger notifies live streams), the events to publish
 * (outbox).
 */
export async function moveOrder(
  trx: Transaction<Database>,
  order: OrderHead,
  decision: Extract<Decision, { kind: 'transition' }>,
  deps: TransitionDeps,
): Promise<OrderHead> {
  const at = deps.now();
  const cancelReason = decision.to === 'cancelled' ? decision.reason : null;
  await updateOrderStatus(trx, order.id, decision.to, cancelReason, at);
  await insertStatusChange(trx, order.id, decision.to, decision.reason, at);
  return afterMove(trx, order, decision, at, deps);
}

/** What follows a move: the events it publishes (outbox) and the saga's metrics. */
async function afterMove(
  trx: Transaction<Database>,
  order: OrderHead,
  decision: Extract<Decision, { kind: 'transition' }>,
  at: Date,
  deps: TransitionDeps,
): Promise<OrderHead> {
  for (const type of decision.publish) {
    await writeTransitionEvent(trx, type, order, decision.reason, at);
  }
  return moved(order, decision, at, deps);
}

/** The saga's metrics of a move; the order as it is now. */
function moved(
  order: OrderHead,
  decision: Extract<Decision, { kind: 'transition' }>,
  at: Date,
  deps: TransitionDeps,
): OrderHead {
  deps.metrics.transitioned(decision.to, decision.reason);
  if (decision.unpaid) deps.metrics.unpaid(order.status, decision.unpaid);
  if (settlesSaga(order.status, decision.to)) {
    deps.metrics.settled(decision.to, (at.getTime() - order.createdAt.getTime()) / 1000);
  }
  return { ...order, status: decision.to };
}

/** An order moved by a saga event. */
export type SagaMove = Extract<TransitionOutcome, { kind: 'transitioned' }>;

/**
 * Applies a saga event to its order. On the saga's usual path (the order in
 * {@link USUAL_STATUS}) the status, its history row and nothing else are one conditional
 * statement, with no read first; anywhere else the event is decided on the locked row, as
 * {@link applyTrigger} does. Same outcomes either way.
 */
export async function applySagaEvent(
  trx: Transaction<Database>,
  orderId: string,
  event: SagaEvent,
  deps: TransitionDeps,
): Promise<TransitionOutcome> {
  return (await usualStep(trx, orderId, event, deps)) ?? applyTrigger(trx, orderId, event, deps);
}

/**
 * A saga event's usual step on its own, with the consumer's inbox row (a handler's `alone`
 * form): the order moves from its {@link USUAL_STATUS} with its history row, its event when it
 * publishes one and the inbox row, or nothing is written. A step that publishes nothing is ONE
 * statement with no transaction; one that publishes has a transaction of its own (BEGIN, the
 * statement, COMMIT) so that its event's data, built by the statement, is checked before the
 * commit. Returns the move, or undefined when the event has no usual step or the order is
 * elsewhere (then apply it with {@link applySagaEvent}, in the consumer's transaction).
 */
export async function applySagaStepAlone(
  db: Kysely<Database>,
  orderId: string,
  event: SagaEvent,
  inbox: InboxEntry,
  deps: TransitionDeps,
): Promise<SagaMove | undefined> {
  if (!USUAL_STATUS[event]) return undefined;
  const publishes = decide(USUAL_STATUS[event], event);
  if (publishes.kind === 'transition' && publishes.publish.length > 0) {
    return db.transaction().execute((trx) => usualStep(trx, orderId, event, deps, inbox));
  }
  return usualStep(db, orderId, event, deps, inbox);
}

/**
 * A saga event's usual step for several orders at once, in the consumer's transaction (the
 * inbox rows are written): the orders in the event's {@link USUAL_STATUS} move, with their
 * history rows and events, in one statement, each event built in its delivery's trace context
 * (`within`). Returns the moves and the orders left: elsewhere, or the event has no usual step
 * (nothing written for them; apply each with {@link applySagaEvent}). The orders must differ.
 */
export async function applySagaStepsTogether(
  trx: Transaction<Database>,
  event: SagaEvent,
  deliveries: Array<{ orderId: string; within<R>(fn: () => R): R }>,
  deps: TransitionDeps,
): Promise<{ moved: SagaMove[]; left: string[] }> {
  const step = usualStepOf(event, deps);
  if (!step) return { moved: [], left: deliveries.map((d) => d.orderId) };
  const moves = deliveries.map(({ orderId, within }) => ({
    orderId,
    event: step.type && within(() => transitionEventRow(step.type!, step.decision.reason, step.at)),
  }));
  const orders = await moveOrdersIfIn(
    trx,
    moves.map(({ orderId, event }) => ({ orderId, event: event?.row })),
    step.from,
    step.change,
    { eventReason: moves[0]?.event?.reason },
  );
  const rows = new Map(moves.map((m) => [m.orderId, m.event?.row]));
  const moved = orders.map((order) => step.result(order, rows.get(order.id)));
  const done = new Set(orders.map((order) => order.id));
  return { moved, left: deliveries.map((d) => d.orderId).filter((id) => !done.has(id)) };
}

/**
 * The usual step of a saga event, when it has one that publishes at most one event: where the
 * order must be, the change, the event's type, and how a moved order is checked and counted.
 */
function usualStepOf(event: SagaEvent, deps: TransitionDeps) {
  const from = USUAL_STATUS[event];
  const decision = from && decide(from, event);
  if (!from || decision?.kind !== 'transition' || decision.publish.length > 1) return undefined;
  const at = deps.now();
  const change = {
    to: decision.to,
    cancelReason: decision.to === 'cancelled' ? decision.reason : null,
    reason: decision.reason,
    at,
  };
  return {
    from,
    decision,
    at,
    change,
    type: decision.publish[0],
    /** The event's data is checked after the statement: a failure rolls the transaction back. */
    result(order: OrderHead & { eventData?: unknown }, row: OutboxRowShell | undefined): SagaMove {
      const { eventData, ...head } = order;
      if (row) checkWrittenEvent(row, eventData);
      return {
        kind: 'transitioned',
        from,
        to: decision.to,
        order: moved(head, decision, at, deps),
      };
    },
  };
}

/**
 * The usual step of a saga event as one conditional statement (with the transition's event, and
 * the inbox row when given); undefined when the event has none or the order is elsewhere
 * (nothing written). The event's data is checked after the statement: `db` must then be a
 * transaction, which the check's failure rolls back.
 */
async function usualStep(
  db: Kysely<Database>,
  orderId: string,
  event: SagaEvent,
  deps: TransitionDeps,
  inbox?: InboxEntry,
): Promise<SagaMove | undefined> {
  const step = usualStepOf(event, deps);
  if (!step) return undefined;
  // The transition's event (if any) is written by the same statement.
  const publish = step.type && transitionEventRow(step.type, step.decision.reason, step.at);
  const [order] = await moveOrdersIfIn(
    db,
    [{ orderId, event: publish?.row }],
    step.from,
    step.change,
    { eventReason: publish?.reason, inbox },
  );
  return order && step.result(order, publish?.row);
}

/**
 * Applies one trigger to one order: locks the order's row (so consumers, commands and the
 * sweeper serialize per order), decides, and moves it when the decision is a transition.
 * `ownerId` restricts the order to its owner: anyone else's order is `not_found`.
 */
export async function applyTrigger(
  trx: Transaction<Database>,
  orderId: string,
  trigger: Trigger,
  deps: TransitionDeps,
  options: { ownerId?: string } = {},
): Promise<TransitionOutcome> {
  const order = await lockOrderHead(trx, orderId);
  if (!order || (options.ownerId !== undefined && order.userId !== options.ownerId)) {
    return { kind: 'not_found' };
  }
  const decision = decide(order.status, trigger);
  switch (decision.kind) {
    case 'transition': {
      const moved = await moveOrder(trx, order, decision, deps);
      return { kind: 'transitioned', from: order.status, to: decision.to, order: moved };
    }
    case 'absorbed':
      deps.metrics.absorbed(trigger, order.status);
      return { kind: 'absorbed', why: decision.why, order };
    case 'refused':
      return { kind: 'refused', why: decision.why, order };
    case 'unchanged':
      return { kind: 'unchanged', order };
    case 'noted':
      await insertStatusChange(trx, order.id, order.status, decision.reason, deps.now());
      deps.metrics.unpaid(order.status, decision.unpaid);
      return { kind: 'noted', reason: decision.reason, order };
  }
}

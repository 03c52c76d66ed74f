/*
 * The order state machine: pure, no I/O. Every saga event and every command is a trigger; for
 * an order's current status, `decide` says what happens — a transition (with the reason to
 * record and the events to publish), nothing because the order is already there, an absorbed
 * event that no longer applies, or a refused command.
 *
 *                      stock.reserved               payment.authorized
 *   (placed) pending ─────────────────► stock_reserved ─────────────────► confirmed ──ship──► shipped
 *              │  └──────────── payment.authorized (payments ran first) ─────┘   │
 *              │                              │                                  │
 *              ├─ stock.rejected ──► cancelled (out_of_stock)                    │
 *              ├─ payment.failed ──► cancelled (payment_declined)  ◄── payment.failed
 *              ├─ deadline ────────► cancelled (timeout)           ◄── deadline
 *              └─ customer cancel ─► cancelled (customer_cancelled) ◄── customer cancel (also from confirmed)
 *              (any status but shipped or cancelled) ── payment.refunded ──► cancelled (payment_refunded)
 *
 * A shipped order whose money is gone (`payment.refunded`, `payment.capture_failed`) stays
 * shipped: the fact is `noted` in its history and counted (`orders_unpaid_total`, alerted on).
 *
 * `cancelled` and `shipped` are final. `confirmed`, `cancelled` and `shipped` settle the saga.
 */

export const ORDER_STATUSES = [
  'pending',
  'stock_reserved',
  'confirmed',
  'shipped',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type CancelReason =
  | 'out_of_stock'
  | 'payment_declined'
  | 'customer_cancelled'
  | 'timeout'
  /** The authorization was voided or refunded at the provider before the order shipped. */
  | 'payment_refunded';

/** Why a status was entered, as recorded in the status history. */
export type StatusReason =
  'placed' | 'stock_reserved' | 'payment_authorized' | 'shipped' | 'capture_failed' | CancelReason;

/** Why an order's money is gone: given back at the provider, or never captured. */
export type UnpaidCause = 'refunded' | 'capture_failed';

/** The events orders publishes as a consequence of a transition. */
export type OrderEventType = 'order.confirmed' | 'order.cancelled' | 'order.shipped';

/** Saga events consumed from other services. */
export type SagaEvent =
  | 'stock.reserved'
  | 'stock.rejected'
  | 'payment.authorized'
  | 'payment.failed'
  | 'payment.refunded'
  | 'payment.capture_failed';
/** Commands from people (shopper, admin) or from the clock (the sweeper). */
export type OrderCommand = 'cancel' | 'ship' | 'deadline';
export type Trigger = SagaEvent | OrderCommand;

export type Decision =
  | {
      kind: 'transition';
      to: OrderStatus;
      reason: StatusReason;
      /** Events to write to the outbox with the transition. */
      publish: OrderEventType[];
      /** Set when the transition is because the order's money is gone (counted, alerted on). */
      unpaid?: UnpaidCause;
    }
  /**
   * A fact about an order that cannot move any more (a shipped order's money is gone): a history
   * row with `reason` under the same status, and the unpaid order counted.
   */
  | { kind: 'noted'; reason: StatusReason; unpaid: UnpaidCause }
  /** A command whose effect is already there (cancel a cancelled order): answer as done. */
  | { kind: 'unchanged' }
  /** An event that no longer applies (a duplicate, a late event): log it and ack it. */
  | { kind: 'absorbed'; why: string }
  /** A command not allowed in this status (ship a pending order): a conflict for the caller. */
  | { kind: 'refused'; why: string };

const FINAL: ReadonlySet<OrderStatus> = new Set(['cancelled', 'shipped']);
/** The saga's statuses before it settles (orders' partial index `orders_in_flight_idx`). */
export const IN_FLIGHT_STATUSES = ['pending', 'stock_reserved'] as const satisfies OrderStatus[];
const IN_FLIGHT: ReadonlySet<OrderStatus> = new Set(IN_FLIGHT_STATUSES);

/** No transition leaves a final status. */
export function isFinal(status: OrderStatus): boolean {
  return FINAL.has(status);
}

/** The saga is still running: stock or payment has not answered yet (the sweeper's target). */
export function isInFlight(status: OrderStatus): boolean {
  return IN_FLIGHT.has(status);
}

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

function transition(
  to: OrderStatus,
  reason: StatusReason,
  publish: OrderEventType[] = [],
): Extract<Decision, { kind: 'transition' }> {
  return { kind: 'transition', to, reason, publish };
}

function absorbed(status: OrderStatus, trigger: Trigger, what: string): Decision {
  return { kind: 'absorbed', why: `${trigger} ${what} for an order ${status}` };
}

/*
 * Cancelling publishes `order.cancelled` so catalog releases what it reserved and payments
 * voids or refunds what it authorized. The one exception is `stock.rejected`: catalog reserved
 * nothing, and payments only ever acts on `stock.reserved`, so there is nothing to compensate.
 */
const cancel = (reason: CancelReason) => transition('cancelled', reason, ['order.cancelled']);

function onEvent(status: OrderStatus, event: SagaEvent): Decision {
  switch (event) {
    case 'stock.reserved':
      if (status === 'pending') return transition('stock_reserved', 'stock_reserved');
      return absorbed(status, event, status === 'stock_reserved' ? 'again' : 'late');
    case 'stock.rejected':
      if (status === 'pending') return transition('cancelled', 'out_of_stock');
      return absorbed(status, event, 'late');
    case 'payment.authorized':
      // payments acts on `stock.reserved` from its own queue: its answer may reach orders
      // before orders has seen `stock.reserved`, and it proves the stock was reserved.
      if (isInFlight(status))
        return transition('confirmed', 'payment_authorized', ['order.confirmed']);
      return absorbed(status, event, status === 'confirmed' ? 'again' : 'late');
    case 'payment.failed':
      if (isInFlight(status)) return cancel('payment_declined');
      return absorbed(status, event, 'late');
    case 'payment.refunded':
      // Money given back outside the saga (a provider's void, a dashboard refund): an order not
      // yet shipped must not ship unpaid, so it is cancelled (stock released). A cancelled
      // order's refund is the cancel's own compensation.
      if (status === 'cancelled') return { kind: 'unchanged' };
      if (status === 'shipped')
        return { kind: 'noted', reason: 'payment_refunded', unpaid: 'refunded' };
      return { ...cancel('payment_refunded'), unpaid: 'refunded' };
    case 'payment.capture_failed':
      if (status === 'shipped')
        return { kind: 'noted', reason: 'capture_failed', unpaid: 'capture_failed' };
      return absorbed(status, event, 'before shipping');
  }
}

function onCommand(status: OrderStatus, command: OrderCommand): Decision {
  switch (command) {
    case 'cancel':
      if (status === 'cancelled') return { kind: 'unchanged' };
      if (status === 'shipped') return { kind: 'refused', why: 'the order has already shipped' };
      return cancel('customer_cancelled');
    case 'ship':
      if (status === 'shipped') return { kind: 'unchanged' };
      if (status === 'confirmed') return transition('shipped', 'shipped', ['order.shipped']);
      return { kind: 'refused', why: `only a confirmed order can ship; this one is ${status}` };
    case 'deadline':
      // Only an order still waiting for stock or payment is stuck; a confirmed order waits
      // for fulfilment, which has no deadline here.
      if (isInFlight(status)) return cancel('timeout');
      return { kind: 'unchanged' };
  }
}

const EVENTS: ReadonlySet<string> = new Set<SagaEvent>([
  'stock.reserved',
  'stock.rejected',
  'payment.authorized',
  'payment.failed',
  'payment.refunded',
  'payment.capture_failed',
]);

/**
 * The status a saga event finds its order in on the saga's usual path: the event is applied
 * first as a conditional write from this status (one statement), and decided on the locked row
 * only when the order is elsewhere (a duplicate, a late event, payments ahead of catalog).
 * Events without a usual status (the rare compensations) are always decided on the locked row.
 */
export const USUAL_STATUS: Readonly<Partial<Record<SagaEvent, OrderStatus>>> = {
  'stock.reserved': 'pending',
  'stock.rejected': 'pending',
  'payment.authorized': 'stock_reserved',
  'payment.failed': 'stock_reserved',
};

/** What a trigger does to an order in `status`. Never throws. */
export function decide(status: OrderStatus, trigger: Trigger): Decision {
  return EVENTS.has(trigger)
    ? onEvent(status, trigger as SagaEvent)
    : onCommand(status, trigger as OrderCommand);
}

/** The saga settles (first reaches confirmed or cancelled): the end of the placed → final latency. */
export function settlesSaga(from: OrderStatus, to: OrderStatus): boolean {
  return isInFlight(from) && !isInFlight(to);
}

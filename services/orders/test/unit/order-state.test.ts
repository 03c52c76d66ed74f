import {
  decide,
  isFinal,
  isInFlight,
  isOrderStatus,
  ORDER_STATUSES,
  settlesSaga,
  type Decision,
  type OrderStatus,
  type Trigger,
} from '../../src/domain/order-state.js';

const transition = (to: OrderStatus, reason: string, publish: string[] = []): Decision =>
  ({ kind: 'transition', to, reason, publish }) as Decision;

/** Every (status, trigger) pair and what it must do: the whole machine, one row each. */
const TABLE: [OrderStatus, Trigger, Decision['kind'], Decision?][] = [
  // pending
  ['pending', 'stock.reserved', 'transition', transition('stock_reserved', 'stock_reserved')],
  ['pending', 'stock.rejected', 'transition', transition('cancelled', 'out_of_stock')],
  [
    'pending',
    'payment.authorized',
    'transition',
    transition('confirmed', 'payment_authorized', ['order.confirmed']),
  ],
  [
    'pending',
    'payment.failed',
    'transition',
    transition('cancelled', 'payment_declined', ['order.cancelled']),
  ],
  [
    'pending',
    'cancel',
    'transition',
    transition('cancelled', 'customer_cancelled', ['order.cancelled']),
  ],
  ['pending', 'ship', 'refused'],
  ['pending', 'deadline', 'transition', transition('cancelled', 'timeout', ['order.cancelled'])],
  // stock_reserved
  ['stock_reserved', 'stock.reserved', 'absorbed'],
  ['stock_reserved', 'stock.rejected', 'absorbed'],
  [
    'stock_reserved',
    'payment.authorized',
    'transition',
    transition('confirmed', 'payment_authorized', ['order.confirmed']),
  ],
  [
    'stock_reserved',
    'payment.failed',
    'transition',
    transition('cancelled', 'payment_declined', ['order.cancelled']),
  ],
  [
    'stock_reserved',
    'cancel',
    'transition',
    transition('cancelled', 'customer_cancelled', ['order.cancelled']),
  ],
  ['stock_reserved', 'ship', 'refused'],
  [
    'stock_reserved',
    'deadline',
    'transition',
    transition('cancelled', 'timeout', ['order.cancelled']),
  ],
  // confirmed
  ['confirmed', 'stock.reserved', 'absorbed'],
  ['confirmed', 'stock.rejected', 'absorbed'],
  ['confirmed', 'payment.authorized', 'absorbed'],
  ['confirmed', 'payment.failed', 'absorbed'],
  [
    'confirmed',
    'cancel',
    'transition',
    transition('cancelled', 'customer_cancelled', ['order.cancelled']),
  ],
  ['confirmed', 'ship', 'transition', transition('shipped', 'shipped', ['order.shipped'])],
  ['confirmed', 'deadline', 'unchanged'],
  // shipped
  ['shipped', 'stock.reserved', 'absorbed'],
  ['shipped', 'stock.rejected', 'absorbed'],
  ['shipped', 'payment.authorized', 'absorbed'],
  ['shipped', 'payment.failed', 'absorbed'],
  ['shipped', 'cancel', 'refused'],
  ['shipped', 'ship', 'unchanged'],
  ['shipped', 'deadline', 'unchanged'],
  // cancelled
  ['cancelled', 'stock.reserved', 'absorbed'],
  ['cancelled', 'stock.rejected', 'absorbed'],
  ['cancelled', 'payment.authorized', 'absorbed'],
  ['cancelled', 'payment.failed', 'absorbed'],
  ['cancelled', 'cancel', 'unchanged'],
  ['cancelled', 'ship', 'refused'],
  ['cancelled', 'deadline', 'unchanged'],
  // money gone outside the saga: never ship unpaid
  ...(['pending', 'stock_reserved', 'confirmed'] as const).map(
    (status) =>
      [
        status,
        'payment.refunded',
        'transition',
        {
          ...transition('cancelled', 'payment_refunded', ['order.cancelled']),
          unpaid: 'refunded',
        } as Decision,
      ] as [OrderStatus, Trigger, Decision['kind'], Decision?],
  ),
  [
    'shipped',
    'payment.refunded',
    'noted',
    { kind: 'noted', reason: 'payment_refunded', unpaid: 'refunded' },
  ],
  ['cancelled', 'payment.refunded', 'unchanged'],
  ['pending', 'payment.capture_failed', 'absorbed'],
  ['stock_reserved', 'payment.capture_failed', 'absorbed'],
  ['confirmed', 'payment.capture_failed', 'absorbed'],
  [
    'shipped',
    'payment.capture_failed',
    'noted',
    { kind: 'noted', reason: 'capture_failed', unpaid: 'capture_failed' },
  ],
  ['cancelled', 'payment.capture_failed', 'absorbed'],
];

describe('order state machine', () => {
  it('when the table is read, then it covers every status and trigger exactly once', () => {
    const triggers: Trigger[] = [
      'stock.reserved',
      'stock.rejected',
      'payment.authorized',
      'payment.failed',
      'payment.refunded',
      'payment.capture_failed',
      'cancel',
      'ship',
      'deadline',
    ];
    const pairs = TABLE.map(([s, t]) => `${s}/${t}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs.sort()).toEqual(
      ORDER_STATUSES.flatMap((s) => triggers.map((t) => `${s}/${t}`)).sort(),
    );
  });

  it.each(TABLE.map(([s, t, k, d]) => [s, t, k, d ?? null] as const))(
    'when an order %s gets %s, then the decision is %s',
    (status, trigger, kind, expected) => {
      const decision = decide(status, trigger);
      expect(decision.kind).toBe(kind);
      expect(decision).toMatchObject(expected ?? { kind });
    },
  );

  it('when an event is absorbed, then the reason says whether it is a duplicate or late', () => {
    expect(decide('stock_reserved', 'stock.reserved')).toEqual({
      kind: 'absorbed',
      why: 'stock.reserved again for an order stock_reserved',
    });
    expect(decide('confirmed', 'payment.authorized')).toEqual({
      kind: 'absorbed',
      why: 'payment.authorized again for an order confirmed',
    });
    expect(decide('cancelled', 'payment.authorized')).toEqual({
      kind: 'absorbed',
      why: 'payment.authorized late for an order cancelled',
    });
    expect(decide('cancelled', 'stock.reserved')).toEqual({
      kind: 'absorbed',
      why: 'stock.reserved late for an order cancelled',
    });
  });

  it('when a command is refused, then the reason names the status', () => {
    expect(decide('pending', 'ship')).toEqual({
      kind: 'refused',
      why: 'only a confirmed order can ship; this one is pending',
    });
    expect(decide('shipped', 'cancel')).toEqual({
      kind: 'refused',
      why: 'the order has already shipped',
    });
  });

  it('when out of stock, then nothing is published (nothing was reserved or authorized)', () => {
    expect(decide('pending', 'stock.rejected')).toMatchObject({ publish: [] });
  });

  it('when statuses are classified, then only cancelled and shipped are final', () => {
    expect(ORDER_STATUSES.filter(isFinal)).toEqual(['shipped', 'cancelled']);
    expect(ORDER_STATUSES.filter(isInFlight)).toEqual(['pending', 'stock_reserved']);
    expect(isOrderStatus('confirmed')).toBe(true);
    expect(isOrderStatus('lost')).toBe(false);
  });

  it('when an order leaves pending or stock_reserved, then the saga has settled', () => {
    expect(settlesSaga('pending', 'confirmed')).toBe(true);
    expect(settlesSaga('stock_reserved', 'cancelled')).toBe(true);
    expect(settlesSaga('pending', 'stock_reserved')).toBe(false);
    expect(settlesSaga('confirmed', 'cancelled')).toBe(false);
    expect(settlesSaga('confirmed', 'shipped')).toBe(false);
  });
});

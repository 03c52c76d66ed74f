import { EVENT_TYPES, orderIdOf, validateEnvelope, type EventEnvelope } from '../src/index.js';

const orderId = '019a0000-0000-7000-8000-000000000001';
const userId = '019a0000-0000-7000-8000-000000000002';

function envelope(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    id: '019a0000-0000-7000-8000-0000000000ff',
    type: 'order.confirmed',
    version: 1,
    time: '2026-11-22T10:00:00.000Z',
    source: 'orders',
    data: { orderId, userId, total: { amount: 1999, currency: 'EUR' } },
    ...overrides,
  } as EventEnvelope;
}

describe('validateEnvelope', () => {
  it('when an event matches its schema, then there are no problems', () => {
    expect(validateEnvelope(envelope())).toEqual([]);
  });

  it('when data misses a field or has a wrong type, then the problem names the path', () => {
    const problems = validateEnvelope(
      envelope({ data: { orderId, total: { amount: '19.99', currency: 'EUR' } } as never }),
    );
    expect(problems.join('\n')).toMatch(/data\/userId/);
    expect(problems.join('\n')).toMatch(/data\/total\/amount/);
  });

  it('when the type is unknown or the version not accepted, then it is refused', () => {
    expect(validateEnvelope(envelope({ type: 'order.exploded' as never }))).toEqual([
      'unknown event type "order.exploded"',
    ]);
    expect(validateEnvelope(envelope({ version: 9 }))).toEqual([
      'order.confirmed version 9 is not accepted',
    ]);
  });

  it('when the envelope itself is malformed, then it is refused', () => {
    expect(validateEnvelope({ id: 'not-a-uuid', type: 'order.confirmed' }).length).toBeGreaterThan(
      0,
    );
    expect(validateEnvelope(envelope({ time: 'yesterday' })).join()).toMatch(/time/);
  });

  it('when the catalogue is listed, then every event of the design is in it', () => {
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'product.created',
        'product.updated',
        'product.deleted',
        'order.created',
        'order.cancelled',
        'order.confirmed',
        'stock.reserved',
        'stock.rejected',
        'payment.authorized',
        'payment.failed',
        'payment.refunded',
        'user.registered',
      ]),
    );
  });
});

describe('orderIdOf', () => {
  it('when a saga event is keyed, then its key is the order it names', () => {
    expect(orderIdOf(envelope())).toBe(orderId);
    expect(
      orderIdOf(envelope({ type: 'payment.failed', data: { orderId: userId } as never })),
    ).toBe(userId);
  });
});

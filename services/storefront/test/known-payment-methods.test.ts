import { KnownPaymentMethods } from '../src/clients/known-payment-methods.js';

const SHOPPER = '01936f5e-0000-7000-8000-000000000001';
const OTHER_SHOPPER = '01936f5e-0000-7000-8000-000000000002';
const method = (n: number) => ({
  id: `01936f5e-2222-7000-8000-${String(n).padStart(12, '0')}`,
  brand: 'visa',
  last4: '4242',
});

describe('known payment methods', () => {
  it('when a method was confirmed, then it is known to its shopper for maxAgeMs only', () => {
    let now = 1_000_000;
    const known = new KnownPaymentMethods({ maxAgeMs: 60_000, now: () => now });
    known.remember(SHOPPER, { ...method(1), expMonth: 12 } as ReturnType<typeof method>);
    expect(known.get(SHOPPER, method(1).id)).toEqual(method(1));
    now += 59_999;
    expect(known.get(SHOPPER, method(1).id)).toEqual(method(1));
    now += 1;
    expect(known.get(SHOPPER, method(1).id)).toBeUndefined();
    expect(known.size).toBe(0);
  });

  it('when another shopper asks for a known method, then it is not known to them', () => {
    const known = new KnownPaymentMethods();
    known.remember(SHOPPER, method(1));
    expect(known.get(OTHER_SHOPPER, method(1).id)).toBeUndefined();
  });

  it('when full, then the least recently used goes first', () => {
    const known = new KnownPaymentMethods({ maxEntries: 2 });
    known.remember(SHOPPER, method(1));
    known.remember(SHOPPER, method(2));
    expect(known.get(SHOPPER, method(1).id)).toEqual(method(1));
    known.remember(SHOPPER, method(3));
    expect(known.size).toBe(2);
    expect(known.get(SHOPPER, method(2).id)).toBeUndefined();
    expect(known.get(SHOPPER, method(1).id)).toEqual(method(1));
    expect(known.get(SHOPPER, method(3).id)).toEqual(method(3));
  });
});

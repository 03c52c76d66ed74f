import { cartView } from '../../src/domain/carts.js';
import { decodeCursor, encodeCursor } from '../../src/domain/cursor.js';
import { CurrencyMismatchError, multiply, sum } from '../../src/domain/money.js';
import { duplicateProductId, priceLines } from '../../src/domain/pricing.js';
import { canonicalJson, fingerprint } from '../../src/domain/request-fingerprint.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const product = (productId: string, amount: number, available = 10) => ({
  productId,
  sku: `SKU-${productId}`,
  name: `Name ${productId}`,
  price: eur(amount),
  available,
});

describe('money', () => {
  it('when amounts of one currency are added, then the sum keeps the currency', () => {
    expect(sum([eur(100), eur(250)])).toEqual(eur(350));
    expect(multiply(eur(199), 3)).toEqual(eur(597));
  });

  it('when nothing is added, then the sum is zero in the fallback currency', () => {
    expect(sum([])).toEqual(eur(0));
    expect(sum([], 'USD')).toEqual({ amount: 0, currency: 'USD' });
  });

  it('when currencies differ, then adding them throws naming them', () => {
    expect(() => sum([eur(1), { amount: 1, currency: 'USD' }])).toThrow(CurrencyMismatchError);
    expect(() => sum([eur(1), { amount: 1, currency: 'USD' }])).toThrow('EUR, USD');
  });
});

describe('pricing lines at catalog prices', () => {
  it('when every product is known and in stock, then lines and total come at catalog prices, in request order', () => {
    const result = priceLines(
      [
        { productId: 'b', quantity: 2 },
        { productId: 'a', quantity: 1 },
      ],
      { items: [product('a', 500), product('b', 120)], unknown: [] },
    );
    expect(result).toEqual({
      kind: 'priced',
      lines: [
        {
          productId: 'b',
          sku: 'SKU-b',
          name: 'Name b',
          quantity: 2,
          unitPrice: eur(120),
          lineTotal: eur(240),
        },
        {
          productId: 'a',
          sku: 'SKU-a',
          name: 'Name a',
          quantity: 1,
          unitPrice: eur(500),
          lineTotal: eur(500),
        },
      ],
      total: eur(740),
    });
  });

  it('when products are unknown, then they are named, before any shortage', () => {
    const result = priceLines(
      [
        { productId: 'a', quantity: 99 },
        { productId: 'x', quantity: 1 },
      ],
      { items: [product('a', 500, 1)], unknown: ['x'] },
    );
    expect(result).toEqual({ kind: 'unknown_products', productIds: ['x'] });
  });

  it('when the lookup shows too little stock, then every shortage is listed', () => {
    const result = priceLines(
      [
        { productId: 'a', quantity: 3 },
        { productId: 'b', quantity: 1 },
        { productId: 'c', quantity: 5 },
      ],
      { items: [product('a', 1, 2), product('b', 1, 1), product('c', 1, 0)], unknown: [] },
    );
    expect(result).toEqual({
      kind: 'short',
      shortages: [
        { productId: 'a', requested: 3, available: 2 },
        { productId: 'c', requested: 5, available: 0 },
      ],
    });
  });

  it('when a product id repeats, then it is found', () => {
    expect(
      duplicateProductId([
        { productId: 'a', quantity: 1 },
        { productId: 'a', quantity: 2 },
      ]),
    ).toBe('a');
    expect(duplicateProductId([{ productId: 'a', quantity: 1 }])).toBeUndefined();
  });
});

describe('cart view', () => {
  it('when some products are gone, then they are listed apart and left out of the total', () => {
    const at = new Date('2026-11-23T10:00:00Z');
    const view = cartView(
      {
        id: 'cart',
        userId: null,
        orderId: null,
        items: [
          { productId: 'a', quantity: 2 },
          { productId: 'gone', quantity: 1 },
        ],
        createdAt: at,
        updatedAt: at,
      },
      { items: [product('a', 300, 4)], unknown: ['gone'] },
    );
    expect(view).toMatchObject({
      items: [{ productId: 'a', quantity: 2, lineTotal: eur(600), available: 4 }],
      missing: [{ productId: 'gone', quantity: 1 }],
      total: eur(600),
      createdAt: '2026-11-23T10:00:00.000Z',
    });
  });
});

describe('request fingerprints', () => {
  it('when only key order differs, then the fingerprint is the same', () => {
    expect(fingerprint({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      fingerprint({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    expect(canonicalJson({ b: 1, a: undefined, c: null })).toBe('{"b":1,"c":null}');
  });

  it('when a checkout request is fingerprinted, then the text and digest are exactly the stored ones (a key kept from before a deploy still matches)', () => {
    const request = {
      items: [
        { productId: '019a0000-0000-7000-8000-000000000001', quantity: 2 },
        { productId: '019a0000-0000-7000-8000-000000000002', quantity: 1 },
      ],
      cartId: undefined,
      shippingAddress: {
        name: 'Ada "Countess" Lovelace',
        line1: '12 Market Street',
        line2: undefined,
        city: 'Lyon',
        postalCode: '69001',
        country: 'FR',
      },
      payment: { methodId: '019a0000-0000-7000-8000-0000000000aa', brand: 'visa', last4: '4242' },
    };
    expect(canonicalJson(request)).toBe(
      '{"items":[{"productId":"019a0000-0000-7000-8000-000000000001","quantity":2},' +
        '{"productId":"019a0000-0000-7000-8000-000000000002","quantity":1}],' +
        '"payment":{"brand":"visa","last4":"4242","methodId":"019a0000-0000-7000-8000-0000000000aa"},' +
        '"shippingAddress":{"city":"Lyon","country":"FR","line1":"12 Market Street",' +
        '"name":"Ada \\"Countess\\" Lovelace","postalCode":"69001"}}',
    );
    expect(fingerprint(request)).toBe('FBmoZEBk_2gFVzN4fOX4-f38dN_wtAkVGQRy_OwzK4o');
    const odd = {
      é: 1,
      Z: [null, true, 1.5, 'a\u2028b', { y: undefined, x: [] }],
      a: {},
      '': 'empty',
      'a b': -0,
    };
    expect(canonicalJson(odd)).toBe(
      '{"":"empty","Z":[null,true,1.5,"a\u2028b",{"x":[]}],"a":{},"a b":0,"é":1}',
    );
    expect(fingerprint(odd)).toBe('OofnHxtgODOk32ltwOil_vGLrg5GNUbt8nHnxcHJnEc');
  });

  it('when a value differs, then the fingerprint differs', () => {
    expect(fingerprint({ items: [{ quantity: 1 }] })).not.toBe(
      fingerprint({ items: [{ quantity: 2 }] }),
    );
    expect(fingerprint([1, 2])).not.toBe(fingerprint([2, 1]));
  });
});

describe('list cursors', () => {
  it('when a cursor made here comes back, then it gives the id back', () => {
    const id = '019a0000-0000-7000-8000-000000000001';
    expect(decodeCursor(encodeCursor(id))).toBe(id);
  });

  it.each([
    '',
    'bm9wZQ',
    Buffer.from('{"before":"x"}').toString('base64url'),
    Buffer.from('null').toString('base64url'),
  ])('when the cursor is %j, then it is refused', (cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});

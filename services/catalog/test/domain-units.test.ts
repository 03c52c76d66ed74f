import { decodeCursor, encodeCursor, isUuid } from '../src/domain/cursor.js';
import { normalizeLines } from '../src/domain/order-lines.js';
import { Random } from '../src/seed/random.js';

describe('cursors', () => {
  it('when a cursor is made from an id, then it decodes back to that id and looks opaque', () => {
    const id = '01890000-0000-7000-8000-00000000abcd';
    const cursor = encodeCursor(id);
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(cursor).not.toContain(id);
    expect(decodeCursor(cursor)).toBe(id);
    expect(decodeCursor(encodeCursor(id.toUpperCase()))).toBe(id);
  });

  it.each([
    '',
    '!!!',
    Buffer.from('[]').toString('base64url'),
    Buffer.from('{"after":7}').toString('base64url'),
  ])('when the cursor is %j, then it is refused as invalid', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(
      expect.objectContaining({ code: 'CATALOG_INVALID_CURSOR', status: 400 }),
    );
  });

  it('when a string is checked, then only UUIDs pass', () => {
    expect(isUuid('01890000-0000-7000-8000-00000000abcd')).toBe(true);
    expect(isUuid('shoes')).toBe(false);
  });
});

describe('order lines', () => {
  it('when lines repeat a product or come in any order, then they are summed and sorted by product id', () => {
    const a = '01890000-0000-7000-8000-00000000000a';
    const b = '01890000-0000-7000-8000-00000000000b';
    expect(
      normalizeLines([
        { productId: b, quantity: 1 },
        { productId: a.toUpperCase(), quantity: 2 },
        { productId: b, quantity: 4 },
      ]),
    ).toEqual([
      { productId: a, quantity: 2 },
      { productId: b, quantity: 5 },
    ]);
  });
});

describe('seeded random', () => {
  it('when two generators share a seed, then they give the same sequence; another seed differs', () => {
    const draw = (seed: number) => {
      const random = new Random(seed);
      return [
        random.next(),
        random.int(1, 6),
        random.pick(['a', 'b', 'c']),
        random.chance(0.5),
        ...random.bytes(4),
      ];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(new Random(0).next()).toEqual(new Random(0).next());
  });

  it('when integers are drawn, then they stay within the bounds', () => {
    const random = new Random(1);
    const values = Array.from({ length: 1000 }, () => random.int(3, 5));
    expect(new Set(values)).toEqual(new Set([3, 4, 5]));
  });
});

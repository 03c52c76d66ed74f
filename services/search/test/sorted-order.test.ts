import { Bitset } from '../src/engine/bitset.js';
import { SortedOrder } from '../src/engine/sorted-order.js';

describe('presorted order kept across changes', () => {
  /** Documents with few distinct keys (many ties, broken by id), changed round by round. */
  function catalog(seed: number) {
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const capacity = 2000;
    const live = new Bitset(capacity);
    const keys = new Float64Array(capacity);
    const ids: string[] = [];
    for (let doc = 0; doc < capacity; doc += 1) ids.push(`id-${Math.floor(random() * 1e9)}-${doc}`);
    const compare = (a: number, b: number) =>
      keys[a] - keys[b] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0);
    const order = new SortedOrder(compare);
    const size = () => live.count();
    const expected = () => Array.from(live.members().sort(compare));
    /** Adds, removes or re-keys `n` documents, as index changes do (each one touched). */
    const change = (n: number) => {
      for (let i = 0; i < n; i += 1) {
        const doc = Math.floor(random() * capacity);
        if (live.has(doc) && random() < 0.4) live.delete(doc);
        else {
          keys[doc] = Math.floor(random() * 20);
          ids[doc] = `id-${Math.floor(random() * 1e9)}-${doc}`;
          live.add(doc);
        }
        order.touch(doc);
      }
    };
    return { live, order, size, expected, change };
  }

  it('when a few documents change between reads, then each read equals a full sort of the live documents', () => {
    const { live, order, size, expected, change } = catalog(7);
    change(1500);
    expect(Array.from(order.current(live, size()))).toEqual(expected());
    for (const n of [1, 3, 0, 10, 57, 200]) {
      change(n);
      expect(Array.from(order.current(live, size()))).toEqual(expected());
    }
  });

  it('when most documents change at once (a reindex catching up), then the read still equals a full sort', () => {
    const { live, order, size, expected, change } = catalog(11);
    change(500);
    order.current(live, size());
    change(3000);
    expect(Array.from(order.current(live, size()))).toEqual(expected());
  });

  it('when nothing changed, then the same order is answered again without work', () => {
    const { live, order, size, change } = catalog(3);
    change(800);
    const first = order.current(live, size());
    expect(order.current(live, size())).toBe(first);
  });
});

import { search } from '../src/domain/search.js';
import type { ProductDocument } from '../src/domain/product-document.js';
import type { SearchRequest } from '../src/domain/search-request.js';
import { fromDocument } from '../src/engine/from-document.js';
import { SearchIndex } from '../src/engine/search-index.js';
import { category, product } from './fixtures/products.js';
import { textProducts } from './fixtures/text-products.js';

const { kitchen, docs: shared } = textProducts();
const docs = {
  ...shared,
  headphones: product({
    name: 'Sony WH1000XM5 headphones',
    brand: 'Sony',
    description: 'Noise cancelling',
  }),
  code: product({ name: 'Zephyr 3F2A1C router', brand: 'Zephyr', sku: 'ZEPHYR3F2A1C' }),
  codeNamed: product({ name: 'Module zephyr3f2a1c', brand: 'Zephyr' }),
};

function indexOf(products = Object.values(docs)): SearchIndex {
  const index = new SearchIndex();
  index.build(products.map(fromDocument));
  return index;
}

const request = (q: string, more: Partial<SearchRequest> = {}): SearchRequest => ({
  q,
  sort: 'relevance',
  limit: 20,
  ...more,
});

describe('the in-memory engine', () => {
  const index = indexOf();
  const ids = (q: string) => search(index, request(q)).items.map((item) => item.id);

  it('when words are typed exactly, stemmed or partly, then the product is found', () => {
    expect(ids('lenovo laptop')).toEqual([docs.laptop.id]);
    expect(ids('shoe ')).toEqual([docs.shoes.id]);
    expect(ids('runn')).toEqual([docs.shoes.id]);
    expect(ids('wirel keyboard ')).toEqual([]);
  });

  it('when accents differ, then they are folded away', () => {
    expect(ids('cafe creme')).toEqual([docs.cafe.id]);
    expect(ids('grosse')).toEqual([docs.cafe.id]);
  });

  it('when a word has one typo or a transposition, then the product is found', () => {
    expect(ids('keybaord ')).toContain(docs.keyboard.id);
    expect(ids('lenovo labtop')).toEqual([docs.laptop.id]);
    expect(ids('salomon runing shoes')).toEqual([docs.shoes.id]);
  });

  it('when a model code has a typo, then the product with the near code is found', () => {
    expect(ids('wh1000xm4')).toEqual([docs.headphones.id]);
    expect(ids('zephyr3f2a1a')).toEqual([docs.codeNamed.id]);
  });

  it('when the words as typed find few, then corrections widen the query, uncorrected first', () => {
    expect(ids('toaster ')).toEqual([docs.toaster.id, docs.toasterOven.id, docs.coaster.id]);
  });

  it('when only stop words are typed, then they must appear as typed', () => {
    expect(ids('the ')).toEqual([]);
  });

  it('when a name matches and a description matches, then the name ranks first', () => {
    expect(ids('laptop ')).toEqual([docs.laptop.id, docs.stand.id]);
  });

  it('when a category filter and facets are asked, then the subtree counts', () => {
    const result = search(index, { sort: 'price_asc', limit: 20, categoryId: kitchen.id });
    expect(result.total).toBe(2);
    expect(result.facets.category).toEqual([
      { value: kitchen.id, label: 'Kitchen appliances', count: 2 },
    ]);
    expect(result.facets.brand).toEqual([{ value: 'Smeg', count: 2 }]);
  });

  it('when pages are read with cursors, then every product comes once in order', () => {
    for (const sort of ['relevance', 'price_asc', 'price_desc', 'newest'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const result = search(index, { sort, limit: 3, cursor });
        seen.push(...result.items.map((item) => item.id));
        cursor = result.nextCursor ?? undefined;
      } while (cursor);
      expect(new Set(seen).size).toBe(Object.keys(docs).length);
      expect(seen).toHaveLength(Object.keys(docs).length);
    }
  });

  it('when most products match, then pages read off the presorted orders equal a full sort, before and after a change', () => {
    const many = Array.from({ length: 240 }, (_, i) =>
      product({
        name: `Widget ${i}`,
        price: 100 * (i % 7),
        // Repeated times and prices: ties are broken by id.
        createdAt: new Date(Date.UTC(2026, 1, 1) + (i % 11) * 1000).toISOString(),
      }),
    );
    const own = indexOf([...many, docs.keyboard]);
    const byId = (a: ProductDocument, b: ProductDocument) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    const expected = (sort: 'price_asc' | 'price_desc' | 'newest', products: ProductDocument[]) =>
      [...products]
        .sort((a, b) => {
          if (sort === 'price_asc') return a.price.amount - b.price.amount || byId(a, b);
          if (sort === 'price_desc') return b.price.amount - a.price.amount || byId(b, a);
          return b.createdAt.localeCompare(a.createdAt) || byId(b, a);
        })
        .map((p) => p.id);
    const pages = (sort: 'relevance' | 'price_asc' | 'price_desc' | 'newest', q?: string) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const result = search(own, { q, sort, limit: 20, cursor });
        seen.push(...result.items.map((item) => item.id));
        cursor = result.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    const check = (widgets: ProductDocument[]) => {
      for (const sort of ['price_asc', 'price_desc', 'newest'] as const) {
        expect(pages(sort, 'widget ')).toEqual(expected(sort, widgets));
        expect(pages(sort)).toEqual(expected(sort, [...widgets, docs.keyboard]));
      }
      // Every widget scores the same: relevance ties are broken by id.
      expect(pages('relevance', 'widget ')).toEqual([...widgets].sort(byId).map((p) => p.id));
    };
    check(many);
    // Just changed: the orders are stale until re-sorted, and the pages are still right.
    const dearer = { ...many[3], price: { amount: 50_000, currency: 'EUR' }, version: 2 };
    own.apply({ kind: 'upsert', product: fromDocument(dearer) });
    own.apply({ kind: 'delete', id: many[5].id, version: 2 });
    check([...many.filter((_, i) => i !== 3 && i !== 5), dearer]);
  });

  it('when a word is in every description, then name, brand and category matches rank first, the rest by id, on one page or many', () => {
    const description = 'Ships within two working days.';
    const plain = Array.from({ length: 30 }, (_, i) =>
      // Equal prices in pairs: price pages break their ties by id.
      product({ name: `Gadget ${i}`, description, price: 1000 + 100 * Math.floor(i / 2) }),
    );
    // A word only in one description; corrected, it is a name word (below).
    const rare = product({ name: 'Gizmo', description: `${description} Zorbas.`, price: 900 });
    const corrected = product({ name: 'Zorbax chair', price: 900 });
    // Scores as "Works" does without the exact-name bonus: its id is first on a tie.
    const work = product({ name: 'Work', description, price: 900 });
    const works = product({ name: 'Works', description, price: 1500 });
    const lamp = product({ name: 'Work lamp', description, price: 1500 });
    const branded = product({ name: 'Bench', brand: 'Workshop', description, price: 1500 });
    const shelved = product({
      name: 'Shelf',
      category: category('Workroom'),
      description,
      price: 900,
    });
    const own = indexOf([...plain, rare, corrected, work, works, lamp, branded, shelved]);
    const byId = (a: ProductDocument, b: ProductDocument) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    const idsOf = (products: ProductDocument[]) => [...products].sort(byId).map((p) => p.id);
    const all = (q: string, more: Partial<SearchRequest> = {}) =>
      search(own, request(q, { limit: 50, ...more })).items.map((item) => item.id);
    const paged = (q: string, limit: number, more: Partial<SearchRequest> = {}) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const result = search(own, request(q, { limit, cursor, ...more }));
        seen.push(...result.items.map((item) => item.id));
        cursor = result.nextCursor ?? undefined;
        // A cursor that does not move on would page forever: more rows than products fail.
      } while (cursor && seen.length <= 50);
      return seen;
    };
    // "wor": the names "Work" and "Works" (1.0, by id), a name of two words (0.9), a brand
    // (0.32), a category (0.16), then every description-only match (0.08), by id.
    const described = [...plain, rare];
    const wor = [work.id, works.id, lamp.id, branded.id, shelved.id, ...idsOf(described)];
    expect(all('wor')).toEqual(wor);
    // "works ": named exactly (+2) first; brand and category no longer match "work".
    const whole = [works.id, work.id, lamp.id, ...idsOf([...described, branded, shelved])];
    expect(all('works ')).toEqual(whole);
    // Two words, the name match on the second only: its first word counts 0.1 (0.54 for the
    // three names, by id).
    const twoWords = [work.id, works.id, lamp.id, branded.id, shelved.id, ...idsOf(described)];
    expect(all('days wor')).toEqual(twoWords);
    // Corrected: the match as typed (in a description only, +4) before the corrected one.
    expect(all('zorbas ')).toEqual([rare.id, corrected.id]);
    expect(search(own, request('zorbas ')).total).toBe(2);
    for (const limit of [1, 3, 4, 7]) {
      expect(paged('wor', limit)).toEqual(wor);
      expect(paged('works ', limit)).toEqual(whole);
      expect(paged('days wor', limit)).toEqual(twoWords);
    }
    // Few matches (a page scans them rather than walking a presorted order), equal prices
    // broken by id, both ways, across pages.
    const same = idsOf([works, lamp, branded, ...plain.filter((p) => p.price.amount === 1500)]);
    expect(same).toHaveLength(5);
    const at1500 = { minPrice: 1500, maxPrice: 1500 };
    for (const limit of [1, 2]) {
      expect(paged('wor', limit, { sort: 'price_asc', ...at1500 })).toEqual(same);
      expect(paged('wor', limit, { sort: 'price_desc', ...at1500 })).toEqual([...same].reverse());
      expect(paged('wor', limit, at1500)).toEqual([
        works.id,
        lamp.id,
        branded.id,
        ...same.slice(0).filter((id) => ![works.id, lamp.id, branded.id].includes(id)),
      ]);
    }
  });

  it('when a product is updated or deleted, then an older version changes nothing', () => {
    const own = indexOf([docs.keyboard]);
    const renamed = fromDocument({ ...docs.keyboard, name: 'Mechanical keyboard', version: 2 });
    expect(own.apply({ kind: 'upsert', product: renamed })).toBe(true);
    expect(own.apply({ kind: 'upsert', product: fromDocument(docs.keyboard) })).toBe(false);
    expect(search(own, request('mechanical ')).total).toBe(1);
    expect(search(own, request('wireless ')).total).toBe(0);
    expect(own.apply({ kind: 'delete', id: docs.keyboard.id, version: 2 })).toBe(true);
    expect(own.apply({ kind: 'upsert', product: renamed })).toBe(false);
    expect(search(own, request('keyboard ')).total).toBe(0);
    expect(own.dictionary.has('mechanical')).toBe(false);
  });

  it('when highlights are made, then matched words are marked and markup is escaped', () => {
    const [hit] = search(index, request('grippy trail')).items;
    expect(hit.highlight.name).toBe('<mark>Trail</mark> running shoes');
    expect(hit.highlight.description).toBe(
      '<mark>Grippy</mark> soles for muddy <mark>trails</mark>',
    );
  });
});

import type { ProductDocument } from '../src/domain/product-document.js';
import { category, indexAll, product } from './fixtures/products.js';
import { searchVia, startSearchApp, type SearchTestContext } from './fixtures/search-app.js';

/*
 * The known fixture: a small tree of categories and twelve products whose counts per brand,
 * category, price range and stock are worked out by hand below.
 */
const electronics = category('Electronics');
const laptops = category('Laptops', electronics);
const phones = category('Phones', electronics);
const outdoor = category('Outdoor');
const tents = category('Tents', outdoor);

const fixture = {
  thinkpad: product({
    name: 'ThinkPad X1 Carbon',
    brand: 'Lenovo',
    category: laptops,
    price: 149900,
    stock: 5,
  }),
  ideapad: product({
    name: 'IdeaPad Slim',
    brand: 'Lenovo',
    category: laptops,
    price: 59900,
    stock: 0,
  }),
  macbook: product({
    name: 'MacBook Air',
    brand: 'Apple',
    category: laptops,
    price: 119900,
    stock: 3,
  }),
  iphone: product({ name: 'iPhone 15', brand: 'Apple', category: phones, price: 89900, stock: 10 }),
  galaxy: product({
    name: 'Galaxy S24',
    brand: 'Samsung',
    category: phones,
    price: 79900,
    stock: 0,
  }),
  buds: product({
    name: 'Galaxy Buds',
    brand: 'Samsung',
    category: electronics,
    price: 14900,
    stock: 7,
  }),
  trail: product({ name: 'Trail Tent', brand: 'Vaude', category: tents, price: 24900, stock: 2 }),
  family: product({ name: 'Family Tent', brand: 'Vaude', category: tents, price: 45900, stock: 1 }),
  stove: product({
    name: 'Camping Stove',
    brand: 'Primus',
    category: outdoor,
    price: 4900,
    stock: 0,
  }),
  headlamp: product({
    name: 'Headlamp',
    brand: 'Petzl',
    category: outdoor,
    price: 2900,
    stock: 12,
  }),
  bottle: product({
    name: 'Water Bottle',
    brand: 'Nalgene',
    category: null,
    price: 1200,
    stock: 30,
  }),
  phoneCase: product({
    name: 'Phone Case',
    brand: 'Apple',
    category: phones,
    price: 900,
    stock: 100,
  }),
};
type Key = keyof typeof fixture;
const all = Object.values(fixture);
const nameOf = new Map(all.map((doc) => [doc.id, doc.name]));
const names = (keys: Key[]) => keys.map((key) => fixture[key].name).sort();

describe('search filters, facets and sorting', () => {
  let ctx: SearchTestContext;

  beforeAll(async () => {
    ctx = await startSearchApp('search_filters');
    await indexAll(ctx.database.db, all);
  }, 60_000);
  afterAll(() => ctx.close());

  const get = async (params: Parameters<typeof searchVia>[1]) => {
    const response = await searchVia(ctx.app, { limit: 100, ...params });
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const hitNames = (body: { items: { id: string }[] }) =>
    body.items.map((item) => nameOf.get(item.id)).sort();
  const counts = (facet: { value: string; count: number }[]) =>
    Object.fromEntries(facet.map((entry) => [entry.value, entry.count]));
  const priceCounts = (facet: { count: number }[]) => facet.map((entry) => entry.count);

  it('when nothing narrows the search, then every product is listed with every facet counted', async () => {
    const body = await get({});
    expect(body.total).toBe(12);
    expect(body.items).toHaveLength(12);
    expect(body.facets.brand).toEqual([
      { value: 'Apple', count: 3 },
      { value: 'Lenovo', count: 2 },
      { value: 'Samsung', count: 2 },
      { value: 'Vaude', count: 2 },
      { value: 'Nalgene', count: 1 },
      { value: 'Petzl', count: 1 },
      { value: 'Primus', count: 1 },
    ]);
    expect(counts(body.facets.category)).toEqual({
      [laptops.id]: 3,
      [phones.id]: 3,
      [tents.id]: 2,
      [outdoor.id]: 2,
      [electronics.id]: 1,
    });
    expect(body.facets.category.find((c: { value: string }) => c.value === tents.id).label).toBe(
      'Tents',
    );
    expect(body.facets.price).toEqual([
      { min: 0, max: 1000, count: 1 },
      { min: 1000, max: 2500, count: 1 },
      { min: 2500, max: 5000, count: 2 },
      { min: 5000, max: 10000, count: 0 },
      { min: 10000, max: 25000, count: 2 },
      { min: 25000, max: 50000, count: 1 },
      { min: 50000, max: null, count: 5 },
    ]);
  });

  it('when a parent category is chosen, then its sub-categories are included and the category facet drills down', async () => {
    const body = await get({ category: electronics.id });
    expect(body.total).toBe(7);
    expect(hitNames(body)).toEqual(
      names(['thinkpad', 'ideapad', 'macbook', 'iphone', 'galaxy', 'buds', 'phoneCase']),
    );
    expect(counts(body.facets.category)).toEqual({
      [laptops.id]: 3,
      [phones.id]: 3,
      [electronics.id]: 1,
    });
    expect(counts(body.facets.brand)).toEqual({ Apple: 3, Lenovo: 2, Samsung: 2 });
    expect(priceCounts(body.facets.price)).toEqual([1, 0, 0, 0, 1, 0, 5]);
  });

  it('when a leaf category is chosen, then only its products are listed', async () => {
    const body = await get({ category: laptops.id });
    expect(hitNames(body)).toEqual(names(['thinkpad', 'ideapad', 'macbook']));
    expect((await get({ category: tents.id })).total).toBe(2);
  });

  it('when a brand is chosen, then its products are listed and the brand facet still offers the others', async () => {
    const body = await get({ brand: 'Apple' });
    expect(hitNames(body)).toEqual(names(['macbook', 'iphone', 'phoneCase']));
    expect(body.total).toBe(3);
    expect(counts(body.facets.brand)).toEqual({
      Apple: 3,
      Lenovo: 2,
      Samsung: 2,
      Vaude: 2,
      Nalgene: 1,
      Petzl: 1,
      Primus: 1,
    });
    expect(counts(body.facets.category)).toEqual({ [laptops.id]: 1, [phones.id]: 2 });
    expect(priceCounts(body.facets.price)).toEqual([1, 0, 0, 0, 0, 0, 2]);
  });

  it('when several brands are chosen, then products of any of them are listed', async () => {
    const body = await get({ brand: ['Apple', 'Samsung'] });
    expect(hitNames(body)).toEqual(names(['macbook', 'iphone', 'phoneCase', 'galaxy', 'buds']));
  });

  it('when a brand is spelt differently from the facet, then it matches nothing', async () => {
    expect((await get({ brand: 'apple' })).total).toBe(0);
  });

  it('when a price range is chosen, then both bounds are inclusive and the price facet still offers every range', async () => {
    const body = await get({ minPrice: 14900, maxPrice: 45900 });
    expect(hitNames(body)).toEqual(names(['buds', 'trail', 'family']));
    expect(priceCounts(body.facets.price)).toEqual([1, 1, 2, 0, 2, 1, 5]);
    expect(counts(body.facets.brand)).toEqual({ Samsung: 1, Vaude: 2 });
    expect((await get({ minPrice: 100000 })).total).toBe(2);
    expect((await get({ maxPrice: 1200 })).total).toBe(2);
  });

  it('when in-stock only is chosen, then products without stock are left out of hits and facets', async () => {
    const body = await get({ inStock: true });
    expect(body.total).toBe(9);
    expect(hitNames(body)).not.toContain('IdeaPad Slim');
    expect(counts(body.facets.brand)).toEqual({
      Apple: 3,
      Lenovo: 1,
      Samsung: 1,
      Vaude: 2,
      Nalgene: 1,
      Petzl: 1,
    });
    expect((await get({ inStock: false })).total).toBe(12);
  });

  it('when text and filters combine, then every one of them applies', async () => {
    const body = await get({ q: 'galaxy', inStock: true });
    expect(hitNames(body)).toEqual(['Galaxy Buds']);
    const tent = await get({ q: 'tent', maxPrice: 30000, category: outdoor.id });
    expect(hitNames(tent)).toEqual(['Trail Tent']);
    expect(counts(tent.facets.brand)).toEqual({ Vaude: 1 });
    expect(priceCounts(tent.facets.price)).toEqual([0, 0, 0, 0, 1, 1, 0]);
  });

  it('when the lowest price is above the highest, then it is a 400', async () => {
    const response = await searchVia(ctx.app, { minPrice: 5000, maxPrice: 100 });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('SEARCH_INVALID_PRICE_RANGE');
  });

  const order = (body: { items: { id: string }[] }) =>
    body.items.map((item) => nameOf.get(item.id));
  const byPrice = [...all].sort((a, b) => a.price.amount - b.price.amount).map((doc) => doc.name);
  const byNewest = [...all]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((doc) => doc.name);

  it('when sorted by price ascending, then the cheapest come first', async () => {
    expect(order(await get({ sort: 'price_asc' }))).toEqual(byPrice);
  });

  it('when sorted by price descending, then the dearest come first', async () => {
    expect(order(await get({ sort: 'price_desc' }))).toEqual([...byPrice].reverse());
  });

  it('when sorted by newest, then the latest created come first', async () => {
    expect(order(await get({ sort: 'newest' }))).toEqual(byNewest);
  });

  it('when sorted by relevance without text, then the newest come first', async () => {
    expect(order(await get({ sort: 'relevance' }))).toEqual(byNewest);
  });

  it('when sorted by relevance with text, then the name match outranks the category match', async () => {
    // "phone": the Phone Case by name (weight A), the phones by category (weight C).
    const body = await get({ q: 'phone', sort: 'relevance' });
    expect(order(body)[0]).toBe('Phone Case');
    expect(order(body).slice(1).sort()).toEqual(['Galaxy S24', 'iPhone 15']);
  });

  it('when a text query is sorted by price, then the matches come in price order', async () => {
    const body = await get({ q: 'galaxy', sort: 'price_desc' });
    expect(order(body)).toEqual(['Galaxy S24', 'Galaxy Buds']);
  });

  it('when an item is read, then it has the documented shape', async () => {
    const body = await get({ q: 'headlamp' });
    const doc: ProductDocument = fixture.headlamp;
    expect(body.items).toEqual([
      {
        id: doc.id,
        sku: doc.sku,
        name: 'Headlamp',
        brand: 'Petzl',
        categoryId: outdoor.id,
        price: { amount: 2900, currency: 'EUR' },
        stock: { available: 12 },
        highlight: { name: '<mark>Headlamp</mark>', description: '' },
      },
    ]);
    expect(body.nextCursor).toBeNull();
  });
});

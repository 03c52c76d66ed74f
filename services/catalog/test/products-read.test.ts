import {
  createTestContext,
  makeCategory,
  makeProduct,
  type TestContext,
} from './fixtures/context.js';

describe('product reads', () => {
  let context: TestContext;
  let electronics: string;
  let audio: string;
  let headphones: string;
  let books: string;

  beforeAll(async () => {
    context = await createTestContext('reads');
    const { db } = context;
    electronics = await makeCategory(db, 'electronics');
    audio = await makeCategory(db, 'audio', electronics);
    headphones = await makeCategory(db, 'headphones', audio);
    books = await makeCategory(db, 'books');
    await makeProduct(db, {
      name: 'Laptop',
      brand: 'Norvik',
      categoryId: electronics,
      price: { amount: 99900, currency: 'EUR' },
    });
    await makeProduct(db, {
      name: 'Speaker',
      brand: 'Sonora',
      categoryId: audio,
      price: { amount: 4900, currency: 'EUR' },
    });
    await makeProduct(db, {
      name: 'Earbuds',
      brand: 'Sonora',
      categoryId: headphones,
      price: { amount: 2900, currency: 'EUR' },
    });
    await makeProduct(db, {
      name: 'Novel',
      brand: 'Harbour Press',
      categoryId: books,
      price: { amount: 1500, currency: 'EUR' },
    });
    await makeProduct(db, {
      name: 'Uncategorised',
      brand: 'Norvik',
      price: { amount: 500, currency: 'EUR' },
    });
  });
  afterAll(async () => {
    await context.close();
  });

  const list = async (query: string) => {
    const response = await context.app.inject({ url: `/v1/products${query}` });
    return {
      status: response.statusCode,
      body: response.json(),
      type: response.headers['content-type'],
    };
  };
  const names = (body: { items: { name: string }[] }) => body.items.map((p) => p.name).sort();

  it('when the list is read, then every product comes back in the documented shape', async () => {
    const { status, body } = await list('');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(5);
    expect(body.nextCursor).toBeNull();
    const laptop = body.items.find((p: { name: string }) => p.name === 'Laptop');
    expect(laptop).toEqual({
      id: expect.any(String),
      sku: expect.any(String),
      name: 'Laptop',
      description: 'A product made by a test',
      categoryId: electronics,
      brand: 'Norvik',
      price: { amount: 99900, currency: 'EUR' },
      stock: { available: 10 },
      attributes: {},
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
      version: 1,
    });
  });

  it('when filtered by a category, then products of its sub-categories are included', async () => {
    expect(names((await list(`?category=${electronics}`)).body)).toEqual([
      'Earbuds',
      'Laptop',
      'Speaker',
    ]);
    expect(names((await list(`?category=${audio}`)).body)).toEqual(['Earbuds', 'Speaker']);
    expect(names((await list('?category=headphones')).body)).toEqual(['Earbuds']);
  });

  it('when filtered by an unknown category, then the list is empty', async () => {
    expect((await list('?category=no-such-category')).body).toEqual({
      items: [],
      nextCursor: null,
    });
    expect((await list('?category=01890000-0000-7000-8000-000000000000')).body.items).toEqual([]);
  });

  it('when filtered by brand and price range, then only matching products come back', async () => {
    expect(names((await list('?brand=Sonora')).body)).toEqual(['Earbuds', 'Speaker']);
    expect(names((await list('?minPrice=1500&maxPrice=4900')).body)).toEqual([
      'Earbuds',
      'Novel',
      'Speaker',
    ]);
    expect(names((await list('?brand=Norvik&maxPrice=1000')).body)).toEqual(['Uncategorised']);
    expect(names((await list(`?category=${electronics}&minPrice=3000`)).body)).toEqual([
      'Laptop',
      'Speaker',
    ]);
  });

  it('when minPrice is above maxPrice, then it is a 400 problem', async () => {
    const { status, body, type } = await list('?minPrice=500&maxPrice=100');
    expect(status).toBe(400);
    expect(type).toMatch(/application\/problem\+json/);
    expect(body.code).toBe('CATALOG_INVALID_PRICE_RANGE');
  });

  it('when a query parameter is malformed, then it is a 400 problem naming it', async () => {
    const { status, body } = await list('?minPrice=cheap');
    expect(status).toBe(400);
    expect(body.errors[0].field).toBe('querystring.minPrice');
    expect((await list('?limit=0')).status).toBe(400);
    expect((await list('?limit=101')).status).toBe(400);
  });

  it('when a cursor was not made by the service, then it is a 400 problem', async () => {
    for (const cursor of [
      'garbage',
      Buffer.from('{"after":"x"}').toString('base64url'),
      'bnVsbA',
    ]) {
      const { status, body } = await list(`?cursor=${cursor}`);
      expect(status).toBe(400);
      expect(body.code).toBe('CATALOG_INVALID_CURSOR');
    }
  });

  it('when a product is read by id, then it comes back, shareable for 5 s; an unknown id is a 404 problem', async () => {
    const [first] = (await list('')).body.items;
    const found = await context.app.inject({ url: `/v1/products/${first.id}` });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual(first);
    expect(found.headers['cache-control']).toBe('public, max-age=5');
    const missing = await context.app.inject({
      url: '/v1/products/01890000-0000-7000-8000-000000000000',
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBeUndefined();
    expect(missing.json().code).toBe('CATALOG_PRODUCT_NOT_FOUND');
    const malformed = await context.app.inject({ url: '/v1/products/42' });
    expect(malformed.statusCode).toBe(400);
  });

  it('when each product is read by id, with a category or without one, then it is its list entry', async () => {
    const { items } = (await list('?limit=100')).body as {
      items: { id: string; categoryId: string | null }[];
    };
    expect(items.some((p) => p.categoryId === null)).toBe(true);
    expect(items.some((p) => p.categoryId !== null)).toBe(true);
    for (const item of items) {
      const read = await context.app.inject({ url: `/v1/products/${item.id}` });
      expect(read.json()).toEqual(item);
    }
  });

  it('when the public product is asked for, then it is the product without its version, of that type, shareable for 5 s', async () => {
    const type = 'application/vnd.bazaar.public-product+json';
    await makeProduct(context.db, {
      name: 'Mug "Ümlaut" \\ ☕',
      description: 'Line one\nline\ttwo </script> \u0001',
      brand: 'Quotes',
      attributes: { colour: 'blue "navy"', 'size (cl)': '35' },
      price: { amount: 10_000_000_000, currency: 'EUR' },
    });
    const { items } = (await list('?limit=100')).body as {
      items: { id: string; categoryId: string | null; version: number }[];
    };
    expect(items.some((p) => p.categoryId === null)).toBe(true);
    for (const { version, ...published } of items) {
      expect(version).toBeGreaterThanOrEqual(1);
      const read = await context.app.inject({
        url: `/v1/products/${published.id}`,
        headers: { accept: type },
      });
      expect(read.statusCode).toBe(200);
      expect(read.headers['content-type']).toMatch(new RegExp(`^${type.replace(/[.+]/g, '\\$&')}`));
      expect(read.headers['cache-control']).toBe('public, max-age=5');
      expect(JSON.parse(read.body)).toStrictEqual(published);
    }
    const missing = await context.app.inject({
      url: '/v1/products/01890000-0000-7000-8000-000000000000',
      headers: { accept: type },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json().code).toBe('CATALOG_PRODUCT_NOT_FOUND');
  });

  it('when the categories are read, then they come back as a tree', async () => {
    const response = await context.app.inject({ url: '/v1/categories' });
    expect(response.statusCode).toBe(200);
    const roots = response.json().items;
    expect(roots.map((c: { slug: string }) => c.slug).sort()).toEqual(['books', 'electronics']);
    const root = roots.find((c: { slug: string }) => c.slug === 'electronics');
    expect(root.parentId).toBeNull();
    expect(root.children).toEqual([
      {
        id: audio,
        slug: 'audio',
        name: 'audio',
        parentId: electronics,
        children: [
          { id: headphones, slug: 'headphones', name: 'headphones', parentId: audio, children: [] },
        ],
      },
    ]);
  });
});

describe('product list pagination', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext('pages');
  });
  afterAll(async () => {
    await context.close();
  });

  it('when products are added while a client pages through, then no page repeats or skips one', async () => {
    const { db, app } = context;
    const original = [];
    for (let i = 0; i < 25; i++) original.push((await makeProduct(db, { brand: 'Paged' })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const response = await app.inject({ url: `/v1/products?brand=Paged&limit=7${query}` });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      seen.push(...body.items.map((p: { id: string }) => p.id));
      cursor = body.nextCursor;
      pages += 1;
      // Inserts between pages: they land after every row already listed (ids grow with time).
      if (pages <= 2) for (let i = 0; i < 3; i++) await makeProduct(db, { brand: 'Paged' });
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, original.length)).toEqual(original);
    expect(seen).toHaveLength(31);
    expect(pages).toBe(5);
  });

  it('when the last page is exactly full, then nextCursor is null on it', async () => {
    const { db, app } = context;
    for (let i = 0; i < 4; i++) await makeProduct(db, { brand: 'Exact' });
    const first = (await app.inject({ url: '/v1/products?brand=Exact&limit=2' })).json();
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await app.inject({ url: `/v1/products?brand=Exact&limit=2&cursor=${first.nextCursor}` })
    ).json();
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
  });
});

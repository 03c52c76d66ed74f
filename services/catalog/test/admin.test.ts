import { outboxRows } from '@bazaar/service-kit/testing';
import { createTestContext, makeCategory, type TestContext } from './fixtures/context.js';

describe('catalog administration', () => {
  let context: TestContext;
  let categoryId: string;
  let parentId: string;

  beforeAll(async () => {
    context = await createTestContext('admin');
    parentId = await makeCategory(context.db, 'home');
    categoryId = await makeCategory(context.db, 'cookware', parentId);
  });
  afterAll(async () => {
    await context.close();
  });

  let skus = 0;
  const body = (overrides: Record<string, unknown> = {}) => ({
    sku: `PAN-${++skus}`,
    name: 'Cast iron pan',
    description: 'Heavy and everlasting',
    brand: 'Ferro',
    categoryId,
    price: { amount: 4999, currency: 'EUR' },
    stock: 12,
    ...overrides,
  });
  const send = (
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    token = context.adminToken,
  ) =>
    context.app.inject({
      method,
      url,
      payload,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it('when an admin creates a product, then it is 201 with the product and product.created is in the outbox', async () => {
    const response = await send(
      'POST',
      '/v1/admin/products',
      body({ sku: 'PAN-CREATED', attributes: { material: 'cast iron' } }),
    );
    expect(response.statusCode).toBe(201);
    const product = response.json();
    expect(product).toMatchObject({
      sku: 'PAN-CREATED',
      categoryId,
      price: { amount: 4999, currency: 'EUR' },
      stock: { available: 12 },
      attributes: { material: 'cast iron' },
      version: 1,
    });
    const events = await outboxRows(context.db, { type: 'product.created' });
    const event = events.find((e) => e.data.product.id === product.id);
    expect(event?.data.product).toEqual({
      id: product.id,
      sku: 'PAN-CREATED',
      name: 'Cast iron pan',
      description: 'Heavy and everlasting',
      brand: 'Ferro',
      category: { id: categoryId, name: 'cookware', ancestorIds: [parentId] },
      price: { amount: 4999, currency: 'EUR' },
      stock: { available: 12 },
      attributes: { material: 'cast iron' },
      createdAt: product.createdAt,
      updatedAt: product.updatedAt,
      version: 1,
    });
    const read = await context.app.inject({ url: `/v1/products/${product.id}` });
    expect(read.json()).toEqual(product);
  });

  it('when there is no token, then it is 401; with a customer token, 403', async () => {
    expect((await send('POST', '/v1/admin/products', body(), '')).statusCode).toBe(401);
    const forbidden = await send('POST', '/v1/admin/products', body(), context.customerToken);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(
      (await send('PUT', `/v1/admin/products/${categoryId}/stock`, { available: 1 }, ''))
        .statusCode,
    ).toBe(401);
  });

  it.each([
    ['a negative price', { price: { amount: -1, currency: 'EUR' } }, 'body.price.amount'],
    ['a fractional price', { price: { amount: 19.99, currency: 'EUR' } }, 'body.price.amount'],
    ['a price as text', { price: { amount: '1999', currency: 'EUR' } }, 'body.price.amount'],
    ['another currency', { price: { amount: 1999, currency: 'USD' } }, 'body.price.currency'],
    ['a price without currency', { price: { amount: 1999 } }, 'body.price.currency'],
    ['negative stock', { stock: -5 }, 'body.stock'],
    ['fractional stock', { stock: 1.5 }, 'body.stock'],
    ['an unknown field', { colour: 'red' }, 'body.colour'],
    ['an empty name', { name: '' }, 'body.name'],
    ['a SKU with spaces', { sku: 'A B' }, 'body.sku'],
    ['a non-string attribute', { attributes: { weight: 3 } }, 'body.attributes.weight'],
  ])(
    'when the body has %s, then it is a 400 problem naming the field',
    async (_what, overrides, field) => {
      const response = await send('POST', '/v1/admin/products', body(overrides));
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    },
  );

  it('when the category does not exist, then it is a 400 problem', async () => {
    const response = await send(
      'POST',
      '/v1/admin/products',
      body({ categoryId: '01890000-0000-7000-8000-000000000000' }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('CATALOG_UNKNOWN_CATEGORY');
  });

  it('when the SKU is already taken, then creating or renaming to it is a 409 problem and nothing is published', async () => {
    expect((await send('POST', '/v1/admin/products', body({ sku: 'DUP-1' }))).statusCode).toBe(201);
    const before = (await outboxRows(context.db)).length;
    const duplicate = await send('POST', '/v1/admin/products', body({ sku: 'DUP-1' }));
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('CATALOG_DUPLICATE_SKU');
    const other = (await send('POST', '/v1/admin/products', body({ sku: 'DUP-2' }))).json();
    const rename = await send('PATCH', `/v1/admin/products/${other.id}`, { sku: 'DUP-1' });
    expect(rename.statusCode).toBe(409);
    expect((await outboxRows(context.db)).length).toBe(before + 1);
  });

  it('when two admins create the same SKU at once, then one gets 201 and the other 409', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => send('POST', '/v1/admin/products', body({ sku: 'RACE-1' }))),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it('when an admin changes a product, then its version grows and product.updated carries the new document', async () => {
    const created = (await send('POST', '/v1/admin/products', body())).json();
    const response = await send('PATCH', `/v1/admin/products/${created.id}`, {
      name: 'Enamelled pan',
      price: { amount: 5999, currency: 'EUR' },
      categoryId: null,
      attributes: { colour: 'red' },
    });
    expect(response.statusCode).toBe(200);
    const updated = response.json();
    expect(updated).toMatchObject({
      name: 'Enamelled pan',
      price: { amount: 5999, currency: 'EUR' },
      categoryId: null,
      attributes: { colour: 'red' },
      description: 'Heavy and everlasting',
      version: 2,
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    const events = await outboxRows(context.db, { type: 'product.updated' });
    const event = events.find((e) => e.data.product.id === created.id);
    expect(event?.data.product).toMatchObject({
      name: 'Enamelled pan',
      category: null,
      version: 2,
    });
  });

  it('when a change is empty, malformed or for an unknown product, then it is a 4xx problem', async () => {
    const created = (await send('POST', '/v1/admin/products', body())).json();
    expect((await send('PATCH', `/v1/admin/products/${created.id}`, {})).statusCode).toBe(400);
    expect(
      (
        await send('PATCH', `/v1/admin/products/${created.id}`, {
          price: { amount: -5, currency: 'EUR' },
        })
      ).statusCode,
    ).toBe(400);
    expect((await send('PATCH', `/v1/admin/products/${created.id}`, { stock: 3 })).statusCode).toBe(
      400,
    );
    const missing = await send('PATCH', '/v1/admin/products/01890000-0000-7000-8000-000000000000', {
      name: 'x',
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('CATALOG_PRODUCT_NOT_FOUND');
  });

  it('when an admin sets the stock, then it reads back, the version grows and product.updated is published', async () => {
    const created = (await send('POST', '/v1/admin/products', body({ stock: 3 }))).json();
    const response = await send('PUT', `/v1/admin/products/${created.id}/stock`, { available: 40 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ stock: { available: 40 }, version: 2 });
    const events = await outboxRows(context.db, { type: 'product.updated' });
    expect(events.find((e) => e.data.product.id === created.id)?.data.product.stock).toEqual({
      available: 40,
    });
  });

  it('when the stock set is negative, fractional or for an unknown product, then it is a 4xx problem', async () => {
    const created = (await send('POST', '/v1/admin/products', body())).json();
    const negative = await send('PUT', `/v1/admin/products/${created.id}/stock`, { available: -1 });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().errors[0].field).toBe('body.available');
    expect(
      (await send('PUT', `/v1/admin/products/${created.id}/stock`, { available: 2.5 })).statusCode,
    ).toBe(400);
    expect(
      (
        await send('PUT', '/v1/admin/products/01890000-0000-7000-8000-000000000000/stock', {
          available: 1,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('when an admin deletes a product, then it is gone, and product.deleted carries a newer version', async () => {
    const created = (await send('POST', '/v1/admin/products', body())).json();
    expect((await send('DELETE', `/v1/admin/products/${created.id}`)).statusCode).toBe(204);
    expect((await context.app.inject({ url: `/v1/products/${created.id}` })).statusCode).toBe(404);
    const events = await outboxRows(context.db, { type: 'product.deleted' });
    expect(events.map((e) => e.data)).toContainEqual({ productId: created.id, version: 2 });
    expect((await send('DELETE', `/v1/admin/products/${created.id}`)).statusCode).toBe(404);
  });
});

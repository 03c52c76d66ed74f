import type { InjectOptions } from 'fastify';
import { createTestContext, makeProduct, type TestContext } from './fixtures/context.js';

/**
 * Input the schemas used to accept and Postgres refuses (issue #16): each was a 500, and 500s
 * open the callers' circuit breakers. Each must be a 400 problem naming the field.
 */
describe('hostile input to catalog', () => {
  let context: TestContext;
  let productId: string;

  beforeAll(async () => {
    context = await createTestContext('hostile');
    productId = (await makeProduct(context.db)).id;
  });
  afterAll(async () => {
    await context.close();
  });

  const expectRefused = async (options: InjectOptions, field: string): Promise<void> => {
    const response = await context.app.inject(options);
    expect({ status: response.statusCode, type: response.headers['content-type'] }).toEqual({
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  };

  it('when a product id is a urn:uuid, then 400 (read, admin update, price lookup)', async () => {
    await expectRefused({ url: `/v1/products/urn:uuid:${productId}` }, 'params.id');
    await expectRefused(
      {
        method: 'PATCH',
        url: `/v1/admin/products/urn:uuid:${productId}`,
        headers: { authorization: `Bearer ${context.adminToken}` },
        payload: { name: 'x' },
      },
      'params.id',
    );
    await expectRefused(
      {
        method: 'POST',
        url: '/internal/prices',
        payload: { productIds: [`urn:uuid:${productId}`] },
      },
      'body.productIds.0',
    );
  });

  it('when a filter holds U+0000, then 400 (brand, category)', async () => {
    await expectRefused({ url: '/v1/products?brand=%00' }, 'querystring.brand');
    await expectRefused({ url: '/v1/products?category=a%00b' }, 'querystring.category');
  });

  it('when a price bound is beyond any price (and bigint), then 400', async () => {
    await expectRefused({ url: '/v1/products?minPrice=1e19' }, 'querystring.minPrice');
    await expectRefused(
      { url: '/v1/products?maxPrice=9223372036854775808' },
      'querystring.maxPrice',
    );
  });

  it('when an admin writes U+0000 into a name or an attribute, then 400 and nothing is stored', async () => {
    const base = {
      sku: 'NUL-1',
      name: 'Lamp',
      brand: 'Norvik',
      price: { amount: 100, currency: 'EUR' },
      stock: 1,
    };
    for (const [payload, field] of [
      [{ ...base, name: 'La\u0000mp' }, 'body.name'],
      [{ ...base, attributes: { colour: '\u0000' } }, 'body.attributes.colour'],
      [{ ...base, attributes: { ['col\u0000our']: 'red' } }, 'body.attributes'],
    ] as const) {
      await expectRefused(
        {
          method: 'POST',
          url: '/v1/admin/products',
          headers: { authorization: `Bearer ${context.adminToken}` },
          payload,
        },
        field,
      );
    }
    const stored = await context.db
      .selectFrom('products')
      .select('id')
      .where('sku', '=', 'NUL-1')
      .execute();
    expect(stored).toEqual([]);
  });
});

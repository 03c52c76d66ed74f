import { openApiErrors } from '@bazaar/service-kit/testing';
import { createTestContext, type TestContext } from './fixtures/context.js';

describe('catalog service', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext('app');
  });
  afterAll(async () => {
    await context.close();
  });

  it('when its database answers, then it is ready', async () => {
    const response = await context.app.inject({ url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json().checks.database).toBe('up');
  });

  it('when /docs/json is read, then it is a valid OpenAPI 3.1 document listing every route', async () => {
    const document = (await context.app.inject({ url: '/docs/json' })).json();
    expect(document.openapi).toBe('3.1.0');
    expect(await openApiErrors(document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/products',
        '/v1/products/{id}',
        '/v1/categories',
        '/v1/admin/products',
        '/v1/admin/products/{id}',
        '/v1/admin/products/{id}/stock',
        '/internal/prices',
        '/internal/products',
      ]),
    );
  });
});

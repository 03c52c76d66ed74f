import { describeServiceBasics } from '@bazaar/service-kit/testing';
import { createTestContext, type TestContext } from './fixtures/context.js';

describe('catalog service', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext('app');
  });
  afterAll(async () => {
    await context.close();
  });

  describeServiceBasics(() => context.app, {
    readyChecks: { database: 'up' },
    paths: [
      '/v1/products',
      '/v1/products/{id}',
      '/v1/categories',
      '/v1/admin/products',
      '/v1/admin/products/{id}',
      '/v1/admin/products/{id}/stock',
      '/internal/prices',
      '/internal/products',
    ],
  });
});

import { describeServiceBasics } from '@bazaar/service-kit/testing';
import { startHarness, type Harness } from './fixtures/harness.js';

describe('orders service', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('app');
  });
  afterAll(async () => {
    await h.close();
  });

  describeServiceBasics(() => h.app, {
    readyChecks: { database: 'up' },
    paths: ['/v1/carts', '/v1/orders', '/v1/orders/{id}', '/v1/orders/{id}/events'],
  });
});

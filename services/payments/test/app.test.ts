import { describeServiceBasics } from '@bazaar/service-kit/testing';
import { startPayments, type Harness } from './support/harness.js';

describe('payments service', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments('app', { messaging: false });
  });
  afterAll(async () => {
    await h.close();
  });

  describeServiceBasics(() => h.app, {
    readyChecks: { database: 'up' },
    paths: ['/internal/payment-methods', '/v1/payments/webhooks/{provider}'],
  });
});

import type { App } from '@bazaar/service-kit';
import { openApiErrors } from '@bazaar/service-kit/testing';
import { startHarness, type Harness } from './fixtures/harness.js';

describe('orders service', () => {
  let service: Harness;
  let app: App;

  beforeAll(async () => {
    service = await startHarness('app');
    app = service.app;
  });
  afterAll(async () => {
    await service.close();
  });

  it('when its database answers, then it is ready', async () => {
    const response = await app.inject({ url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json().checks.database).toBe('up');
  });

  it('when /docs/json is read, then it is a valid OpenAPI 3.1 document', async () => {
    const document = (await app.inject({ url: '/docs/json' })).json();
    expect(document.openapi).toBe('3.1.0');
    expect(await openApiErrors(document)).toEqual([]);
  });
});

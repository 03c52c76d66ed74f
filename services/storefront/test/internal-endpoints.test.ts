import { startHarness, type Harness } from './fixtures/storefront.js';

describe('operational endpoints', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  // The ingress controller always adds X-Forwarded-For; kubelet probes and Prometheus come
  // straight to the pod and never do.
  const throughIngress = { 'x-forwarded-for': '203.0.113.7' };

  it.each(['/metrics', '/health/ready', '/health/live'])(
    'when %s is asked through the ingress, then 404 problem+json',
    async (url) => {
      const response = await h.app.inject({ url, headers: throughIngress });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).not.toMatch(/database|process_|http_request/);
    },
  );

  it.each(['/metrics', '/health/ready', '/health/live'])(
    'when %s is asked from inside the cluster, then it is served',
    async (url) => {
      expect((await h.app.inject({ url })).statusCode).toBe(200);
    },
  );

  it('when the public API and its docs are asked through the ingress, then they are served', async () => {
    expect((await h.app.inject({ url: '/docs/json', headers: throughIngress })).statusCode).toBe(
      200,
    );
    h.fakes.catalog.reply('GET /v1/categories', 200, { items: [] });
    const categories = await h.app.inject({ url: '/v1/categories', headers: throughIngress });
    expect(categories.statusCode).toBe(200);
  });
});

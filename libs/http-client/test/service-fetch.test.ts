import {
  createServiceClient,
  serviceFetch,
  UpstreamUnavailableError,
  type ServiceClient,
} from '../src/index.js';
import { sendJson, startFakeUpstream, type FakeUpstream } from '@bazaar/testing';

describe('serviceFetch', () => {
  let server: FakeUpstream;
  let client: ServiceClient;

  beforeEach(async () => {
    server = await startFakeUpstream();
    client = createServiceClient({
      name: 'storefront',
      baseUrl: `${server.url}/api`,
      retryBaseDelayMs: 10,
      breaker: false,
    });
  });
  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('when a Request is fetched, then its method, path, query, headers and body reach the service under its base URL and the answer comes back as a Response', async () => {
    server.on('*', (seen, response) =>
      sendJson(response, 201, { echo: JSON.parse(seen.raw) }, { 'x-extra': 'yes' }),
    );
    const fetch = serviceFetch(client);
    const response = await fetch(
      new Request('http://ignored.example/v1/orders?limit=2', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer t0ken' },
        body: JSON.stringify({ cartId: 'c1' }),
      }),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('x-extra')).toBe('yes');
    expect(await response.json()).toEqual({ echo: { cartId: 'c1' } });
    const [seen] = server.received;
    expect([seen.method, seen.url]).toEqual(['POST', '/api/v1/orders?limit=2']);
    expect(seen.headers.authorization).toBe('Bearer t0ken');
    expect(seen.headers['content-type']).toBe('application/json');
  });

  it('when a read meets a 503, then it is retried; a POST without an Idempotency-Key is not', async () => {
    let calls = 0;
    server.on('*', (_seen, response) =>
      calls++ === 0
        ? sendJson(response, 503, { title: 'busy' })
        : sendJson(response, 200, { ok: true }),
    );
    const fetch = serviceFetch(client);
    const read = await fetch(new Request('http://x/v1/products'));
    expect([read.status, await read.json(), calls]).toEqual([200, { ok: true }, 2]);

    calls = 0;
    await expect(
      fetch(new Request('http://x/v1/carts', { method: 'POST', body: '{}' })),
    ).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(calls).toBe(1);
  });

  it('when the answer is empty, then the Response has no body', async () => {
    server.on('*', (_seen, response) => {
      response.writeHead(204);
      response.end();
    });
    const response = await serviceFetch(client)(new Request('http://x/v1/auth/logout'));
    expect([response.status, await response.text()]).toEqual([204, '']);
  });
});

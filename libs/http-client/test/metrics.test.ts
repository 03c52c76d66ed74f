import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import {
  BREAKER_STATE,
  createServiceClient,
  registerClientMetrics,
  type ServiceClient,
} from '../src/index.js';
import { eventually, sendJson, startFakeUpstream, type FakeUpstream } from '@bazaar/testing';
import { unavailable } from './support.js';

/** One series' value, or undefined when the registry has no such series. */
async function valueOf(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    ?.value;
}

describe('registerClientMetrics', () => {
  let server: FakeUpstream;
  let registry: Registry;
  const clients: ServiceClient[] = [];
  // Counts are the process's: each test names its upstream uniquely.
  let upstream: string;
  const client = (options: Partial<Parameters<typeof createServiceClient>[0]> = {}) => {
    const created = createServiceClient({
      name: upstream,
      baseUrl: server.url,
      retryBaseDelayMs: 5,
      ...options,
    });
    clients.push(created);
    return created;
  };
  const close = (c: ServiceClient) => clients.splice(clients.indexOf(c), 1)[0].close();

  beforeEach(async () => {
    server = await startFakeUpstream();
    registry = new Registry();
    registerClientMetrics(registry);
    upstream = `upstream-${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
  });

  it('when calls keep failing, then the breaker reads open, its opening, failures and refusals are counted, and it reads half-open then closed as it recovers', async () => {
    let healthy = false;
    server.on('*', (_seen, response) => sendJson(response, healthy ? 200 : 500, {}));
    const c = client({
      breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 300 },
    });
    expect(await valueOf(registry, 'http_client_breaker_state', { upstream })).toBe(
      BREAKER_STATE.closed,
    );

    for (let i = 0; i < 3; i++) await unavailable(c.request({ method: 'GET', path: '/' }));
    expect(await valueOf(registry, 'http_client_breaker_state', { upstream })).toBe(
      BREAKER_STATE.open,
    );
    expect(await valueOf(registry, 'http_client_breaker_opened_total', { upstream })).toBe(1);
    expect(
      await valueOf(registry, 'http_client_breaker_failures_total', {
        upstream,
        reason: 'server_error',
      }),
    ).toBe(3);

    expect((await unavailable(c.request({ method: 'GET', path: '/' }))).reason).toBe(
      'circuit_open',
    );
    expect(await valueOf(registry, 'http_client_breaker_rejected_total', { upstream })).toBe(1);
    expect(server.received).toHaveLength(3);

    await eventually(
      async () =>
        (await valueOf(registry, 'http_client_breaker_state', { upstream })) ===
        BREAKER_STATE.half_open,
      { intervalMs: 20, what: 'the breaker to be half-open' },
    );
    healthy = true;
    expect((await c.request({ method: 'GET', path: '/' })).status).toBe(200);
    expect(await valueOf(registry, 'http_client_breaker_state', { upstream })).toBe(
      BREAKER_STATE.closed,
    );
  });

  it('when an idempotent request is retried, then each retry is counted by the reason of the attempt that failed, and a timeout counts as a timeout failure', async () => {
    server.on('*', (seen, response) => {
      if (seen.url === '/flaky') {
        return server.received.length === 1
          ? sendJson(response, 503, {})
          : sendJson(response, 200, {});
      }
      setTimeout(() => sendJson(response, 200, {}), 500);
    });
    const c = client({ timeoutMs: 100, retries: 1 });
    await c.request({ method: 'GET', path: '/flaky', idempotent: true });
    expect(
      await valueOf(registry, 'http_client_retries_total', { upstream, reason: 'server_error' }),
    ).toBe(1);

    expect(
      (await unavailable(c.request({ method: 'GET', path: '/slow', idempotent: true }))).reason,
    ).toBe('timeout');
    expect(
      await valueOf(registry, 'http_client_retries_total', { upstream, reason: 'timeout' }),
    ).toBe(1);
    expect(
      await valueOf(registry, 'http_client_breaker_failures_total', {
        upstream,
        reason: 'timeout',
      }),
    ).toBe(1);
  });

  it('when a 4xx is answered, then nothing is counted as a failure or a retry', async () => {
    server.on('*', (_seen, response) => sendJson(response, 404, {}));
    await client().request({ method: 'GET', path: '/', idempotent: true });
    const text = await registry.metrics();
    expect(text).not.toContain(upstream.concat('",reason'));
    expect(await valueOf(registry, 'http_client_breaker_state', { upstream })).toBe(
      BREAKER_STATE.closed,
    );
  });

  it('when two clients share an upstream name, then the state is the worse of the two, and a closed client leaves the gauge', async () => {
    server.on('*', (_seen, response) => sendJson(response, 500, {}));
    const failing = client({ breaker: { volumeThreshold: 1, resetTimeoutMs: 60_000 } });
    const other = client();
    await unavailable(failing.request({ method: 'GET', path: '/' }));
    expect(failing.isOpen()).toBe(true);
    expect(other.isOpen()).toBe(false);
    expect(await valueOf(registry, 'http_client_breaker_state', { upstream })).toBe(
      BREAKER_STATE.open,
    );

    await close(failing);
    expect(await valueOf(registry, 'http_client_breaker_state', { upstream })).toBe(
      BREAKER_STATE.closed,
    );
    await close(other);
    expect(await valueOf(registry, 'http_client_breaker_state', { upstream })).toBeUndefined();
  });

  it('when the breaker is disabled, then the client has no state series', async () => {
    client({ breaker: false });
    expect(await valueOf(registry, 'http_client_breaker_state', { upstream })).toBeUndefined();
  });

  it('when registered twice in one registry, then the series are kept once', async () => {
    registerClientMetrics(registry);
    const text = await registry.metrics();
    expect(text.match(/^# TYPE http_client_breaker_state gauge$/gm)).toHaveLength(1);
  });
});

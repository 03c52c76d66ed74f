import { readFileSync } from 'node:fs';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@bazaar/telemetry/testing';
import { api, type Api } from '../src/api.js';
import {
  ADDRESS,
  adminToken,
  card,
  CARDS,
  createProduct,
  expectStatus,
  placeOrder,
  register,
  settledOrder,
} from '../src/shop.js';
import { startSystem, type System } from '../src/system.js';

const STARTUP_MS = 240_000;
const STEP_MS = 90_000;
const SERVER = 2;
const CONSUMER = 5;
const PASSWORD = 'a long enough passphrase';

/** One order, followed as an SRE would in Jaeger: every hop of its saga in one trace. */
describe('one order, one trace', () => {
  let receiver: OtlpReceiver;
  let system: System;
  let shop: Api;
  let orderId: string;
  let traceId: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    system = await startSystem('tracing', {
      telemetry: true,
      logLevel: 'info',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
    shop = api(system.storefront);
    const admin = await adminToken(shop);
    const kettle = await createProduct(shop, admin, { name: 'Traced Kettle', stock: 5 });
    const shopper = await register(shop, 'tracy');
    const answer = await placeOrder(shop, shopper.token, {
      items: [{ productId: kettle.id, quantity: 1 }],
      shippingAddress: ADDRESS,
      payment: card(CARDS.ok),
    });
    expectStatus('place order', answer, 202);
    orderId = answer.body.id;
    const order = await settledOrder(shop, shopper.token, orderId, 60_000);
    if (order.status !== 'confirmed') throw new Error(`the order ended ${order.status}`);
  }, STARTUP_MS);
  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  }, STARTUP_MS);

  const ofOrder = (spans: ReceivedSpan[]) =>
    spans.filter((s) => s.attributes['order.id'] === orderId);
  const consumed = (spans: ReceivedSpan[], service: string, type: string) =>
    spans.some(
      (s) =>
        s.traceId === traceId &&
        s.service === service &&
        s.kind === CONSUMER &&
        s.attributes['messaging.rabbitmq.destination.routing_key'] === type &&
        s.attributes['order.id'] === orderId,
    );

  it(
    'when the order is confirmed, then every hop from the storefront to the last saga step is in one trace',
    async () => {
      const checkout = (
        await receiver.waitFor((spans) => ofOrder(spans).some((s) => s.service === 'storefront'))
      ).find((s) => s.service === 'storefront' && s.attributes['order.id'] === orderId)!;
      traceId = checkout.traceId;

      const spans = await receiver.waitFor(
        (all) =>
          consumed(all, 'catalog', 'order.created') &&
          consumed(all, 'payments', 'stock.reserved') &&
          consumed(all, 'orders', 'stock.reserved') &&
          consumed(all, 'orders', 'payment.authorized'),
        60_000,
      );
      const trace = spans.filter((s) => s.traceId === traceId);
      const services = new Set(trace.map((s) => s.service));
      expect([...services].sort()).toEqual(
        expect.arrayContaining(['catalog', 'orders', 'payments', 'storefront']),
      );
      // The synchronous hops: the storefront's request, the card exchange, the orders handler and
      // catalog's price lookup, each a server span of its service.
      for (const service of ['storefront', 'payments', 'orders', 'catalog']) {
        expect(trace.some((s) => s.service === service && s.kind === SERVER)).toBe(true);
      }
      // Server spans are named after the route they matched.
      expect(checkout).toMatchObject({
        name: 'POST /v1/orders',
        kind: SERVER,
        attributes: expect.objectContaining({ 'http.route': '/v1/orders' }),
      });
      // Every span that names the order is in this one trace, but for the shopper's reads.
      // A shopper's read of the order (GET /v1/orders/:id while waiting) is a trace of its own,
      // rooted in a GET at the storefront. Let in-flight batches land before telling them apart.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const isRead = (id: string) =>
        receiver.spans.some(
          (s) =>
            s.traceId === id &&
            s.service === 'storefront' &&
            s.kind === SERVER &&
            (s.attributes['http.request.method'] ?? s.attributes['http.method']) === 'GET',
        );
      const traces = new Set(ofOrder(receiver.spans).map((s) => s.traceId));
      const describe = (id: string) =>
        id === traceId
          ? id
          : `${id}: ${spans
              .filter((s) => s.traceId === id)
              .map((s) => `${s.service} ${s.name} (${s.kind})`)
              .join(', ')}`;
      expect([...traces].filter((id) => !isRead(id)).map(describe)).toEqual([traceId]);
    },
    STEP_MS,
  );

  it(
    'when the trace is read, then its parent chain is unbroken from one root',
    async () => {
      // Let the last batches arrive before judging the chain.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const trace = receiver.spans.filter((s) => s.traceId === traceId);
      const ids = new Set(trace.map((s) => s.spanId));
      const roots = trace.filter((s) => !s.parentSpanId);
      const orphans = trace.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId));
      expect(orphans.map((s) => `${s.service} ${s.name}`)).toEqual([]);
      expect(roots.map((s) => `${s.service} ${s.name}`)).toHaveLength(1);
      expect(roots[0].service).toBe('storefront');
    },
    STEP_MS,
  );

  it('when span attributes are scanned, then no card number and no password is in any of them', () => {
    const text = JSON.stringify(receiver.spans.map((s) => s.attributes));
    expect(receiver.spans.length).toBeGreaterThan(20);
    expect(text).not.toContain(CARDS.ok);
    expect(text).not.toContain(PASSWORD);
  });

  it('when the services logged while handling the checkout, then those lines carry its trace id', () => {
    for (const service of ['storefront', 'orders']) {
      const lines = readFileSync(system.logFiles[service], 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.filter((line) => line.trace_id === traceId).length).toBeGreaterThan(0);
    }
  });

  it(
    'when /metrics is scraped, then the saga and outbox series are there',
    async () => {
      const metrics = await (await fetch(`${system.urls.orders}/metrics`)).text();
      expect(metrics).toMatch(/orders_in_flight\{[^}]*status="stock_reserved"[^}]*\} \d/);
      expect(metrics).toContain('orders_saga_duration_seconds_bucket');
      expect(metrics).toContain('messaging_outbox_backlog');
      expect(metrics).toContain('http_server_request_duration_seconds_bucket');
    },
    STEP_MS,
  );
});

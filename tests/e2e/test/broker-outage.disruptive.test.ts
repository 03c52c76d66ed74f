import { startBrokerGate, type BrokerGate } from '@bazaar/messaging/testing';
import { api, poll, type Api } from '../src/api.js';
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
import { SERVICES, startSystem, type System } from '../src/system.js';

/*
 * RabbitMQ goes away while shoppers keep going. The services reach the broker through a TCP
 * gate (`startBrokerGate`: their AMQP_URL is the gate's), and cutting the gate is the outage —
 * their connections drop and reconnects are refused, as when RabbitMQ stops — while the shared
 * broker keeps running for every other test (and keeps the queued messages). A drill, run after
 * the other tests (`jest -c jest.disruptive.config.cjs`).
 */

const STARTUP_MS = 240_000;
const ORDERS_DURING_OUTAGE = 5;
const BACKENDS = SERVICES.filter((name) => name !== 'storefront');

/** A service's `messaging_broker_connected` as its /metrics says it. */
async function brokerConnected(base: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('messaging_broker_connected'));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('a RabbitMQ outage', () => {
  let gate: BrokerGate;
  let system: System;
  let shop: Api;

  beforeAll(async () => {
    gate = await startBrokerGate();
    system = await startSystem('broker_outage', { env: { AMQP_URL: gate.url } });
    shop = api(system.storefront);
  }, STARTUP_MS);
  afterAll(async () => {
    await system?.stop();
    await gate?.close();
  }, STARTUP_MS);

  it('when RabbitMQ goes away, then every service stays ready, browsing, login and checkout go on (orders accepted), and every accepted order is confirmed once it is back', async () => {
    const admin = await adminToken(shop);
    const product = await createProduct(shop, admin, { name: 'Storm Lantern', stock: 100 });
    const shopper = await register(shop, 'outage');
    const order = {
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddress: ADDRESS,
      payment: card(CARDS.ok),
    };
    // The saga works before the outage.
    const before = await placeOrder(shop, shopper.token, order);
    expectStatus('checkout before the outage', before, 202);
    expect((await settledOrder(shop, shopper.token, before.body.id, 60_000)).status).toBe(
      'confirmed',
    );

    const accepted: string[] = [];
    gate.cut();
    try {
      // Every backend has noticed: its gauge says so (and nothing else does).
      for (const name of BACKENDS) {
        const connected = await poll(
          () => brokerConnected(system.urls[name]),
          (value) => value === 0,
          { timeoutMs: 30_000 },
        );
        expect({ name, connected }).toEqual({ name, connected: 0 });
      }
      for (const name of SERVICES) {
        const ready = await fetch(`${system.urls[name]}/health/ready`);
        expect({ name, status: ready.status }).toEqual({ name, status: 200 });
      }

      // Browsing.
      const list = await shop.get('/v1/products?limit=10');
      expectStatus('browse products', list, 200);
      expectStatus('read product', await shop.get(`/v1/products/${product.id}`), 200);
      // Login, and a registration (its user.registered waits in the outbox).
      const login = await shop.post('/v1/auth/login', {
        email: shopper.email,
        password: 'a long enough passphrase',
      });
      expectStatus('login', login, 200);
      await register(shop, 'outage-newcomer');
      // Checkout: accepted, the saga waits for the broker.
      for (let i = 0; i < ORDERS_DURING_OUTAGE; i++) {
        const answer = await placeOrder(shop, login.body.accessToken, order);
        expectStatus(`checkout ${i} during the outage`, answer, 202);
        accepted.push(answer.body.id);
      }
      const pending = await shop.get(`/v1/orders/${accepted[0]}`, { token: shopper.token });
      expectStatus('read order during the outage', pending, 200);
      expect(pending.body.status).toBe('pending');
    } finally {
      gate.restore();
    }

    // Once the broker is back, every order accepted during the outage settles, confirmed.
    const settled = await Promise.all(
      accepted.map(async (id) => (await settledOrder(shop, shopper.token, id, 120_000)).status),
    );
    expect(settled).toEqual(accepted.map(() => 'confirmed'));
    for (const name of BACKENDS) {
      const connected = await poll(
        () => brokerConnected(system.urls[name]),
        (value) => value === 1,
        { timeoutMs: 60_000 },
      );
      expect({ name, connected }).toEqual({ name, connected: 1 });
    }
  }, 600_000);
});

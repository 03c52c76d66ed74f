import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@bazaar/service-kit/testing';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { PaymentProvider } from '../src/providers/provider.js';
import { TestProvider } from '../src/providers/test-provider.js';
import {
  CARDS,
  reserved,
  settled,
  written,
  startPayments,
  type Harness,
} from './support/harness.js';

/** The built-in test provider, except that authorizations answer after `delayMs`. */
class HangingProvider extends TestProvider {
  /** Authorizations asked and not answered yet. */
  waiting = 0;
  /** When the first of the calls still waiting was made. */
  waitingSince: number | undefined;

  constructor(private readonly delayMs = 20_000) {
    super({ name: 'hanging' });
  }

  override async authorize(input: Parameters<PaymentProvider['authorize']>[0]) {
    this.waiting++;
    this.waitingSince ??= Date.now();
    try {
      await sleep(this.delayMs);
      return await super.authorize(input);
    } finally {
      this.waiting--;
      if (this.waiting === 0) this.waitingSince = undefined;
    }
  }
}

/**
 * Transactions on the test database that have been open for more than a second, waiting
 * (`idle in transaction`): a consumer awaiting the provider inside its transaction holds one,
 * and its pooled connection. (A transaction between two quick statements is idle for
 * milliseconds only.)
 */
async function heldTransactions(h: Harness): Promise<number> {
  const { rows } = await sql<{ held: number }>`
    select count(*)::int as held from pg_stat_activity
    where datname = current_database() and state like 'idle in transaction%'
      and now() - xact_start > interval '1 second'`.execute(h.database.db);
  return rows[0].held;
}

describe('a provider that does not answer', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments('slow_provider', {
      env: {
        PAYMENT_PROVIDER: 'hanging',
        PROVIDER_TIMEOUT_MS: '300',
        PROVIDER_RETRY_ATTEMPTS: '2',
        PROVIDER_RETRY_BACKOFF_MS: '10',
      },
      providers: [new HangingProvider()],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when the provider hangs, then each try is given up after the timeout, the payment fails provider_error and no transaction stays open', async () => {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);

    await h.publish('stock.reserved', reserved(orderId, userId, methodId, 1200));
    const event = await h.events!.waitFor(
      (e) => e.type.startsWith('payment.') && (e.data as { orderId: string }).orderId === orderId,
    );

    expect(event.type).toBe('payment.failed');
    expect(event.data).toMatchObject({ reason: 'provider_error' });
    const response = await h.app.inject({
      url: `/v1/orders/${orderId}/payments`,
      headers: { authorization: await h.bearer(userId) },
    });
    const [payment] = response.json().items;
    expect(payment.attempts.map((a: { message: string }) => a.message)).toEqual([
      expect.stringContaining('300 ms'),
      expect.stringContaining('300 ms'),
    ]);
    expect(await heldTransactions(h)).toBe(0);
  });
});

describe('a slow provider and the connection pool', () => {
  const provider = new HangingProvider(4000);
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments('slow_provider_pool', {
      env: { PAYMENT_PROVIDER: 'hanging', PROVIDER_TIMEOUT_MS: '10000' },
      providers: [provider],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when authorizations wait on a slow provider, then no transaction is held open meanwhile, the API answers, and each order is authorized once', async () => {
    const orders = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const userId = uuidv7();
        const orderId = uuidv7();
        const methodId = await h.createMethod(userId, CARDS.visa);
        return { userId, orderId, methodId };
      }),
    );
    for (const { userId, orderId, methodId } of orders) {
      const data = reserved(orderId, userId, methodId, 900);
      await h.publish('stock.reserved', data);
      await h.publish('stock.reserved', data); // a republished copy: still one authorization
    }
    await eventually(() => provider.waiting === 6, { what: 'six calls with the provider' });
    // Until a transaction waiting on the provider would be over a second old.
    await eventually(() => Date.now() - provider.waitingSince! > 1_200, { intervalMs: 50 });

    // Six provider calls in flight, and not one database transaction waits for them.
    expect(await heldTransactions(h)).toBe(0);
    expect(await h.app.metrics.metrics()).toMatch(
      /^payments_provider_operations_pending({[^}]*})? 6$/m,
    );
    const ledger = await h.app.inject({
      url: `/v1/orders/${orders[0].orderId}/payments`,
      headers: { authorization: await h.bearer(orders[0].userId) },
    });
    expect(ledger.statusCode).toBe(404); // not authorized yet: the route answers all the same

    for (const { orderId } of orders) {
      const event = await h.events!.waitFor(
        (e) => e.type.startsWith('payment.') && (e.data as { orderId: string }).orderId === orderId,
      );
      expect(event.type).toBe('payment.authorized');
    }
    await settled(h);
    for (const { orderId } of orders)
      expect(await written(h, 'payment.authorized', orderId)).toHaveLength(1);
  });

  it('when the order is cancelled while its authorization is with the provider, then the new authorization is voided once', async () => {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);
    const voids = provider.calls.void;
    await h.publish('stock.reserved', reserved(orderId, userId, methodId, 700));
    await eventually(() => provider.waiting === 1, { what: 'the call with the provider' });
    const cancel = await h.publish('order.cancelled', {
      orderId,
      userId,
      reason: 'customer_cancelled',
    });
    await h.publish('order.cancelled', { orderId, userId, reason: 'customer_cancelled' }, cancel);

    const refunded = await h.events!.waitFor(
      (e) => e.type === 'payment.refunded' && (e.data as { orderId: string }).orderId === orderId,
    );
    expect(refunded.data).toMatchObject({ amount: { amount: 700, currency: 'EUR' } });
    await settled(h);
    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(1);
    expect(provider.calls.void - voids).toBe(1);
    const response = await h.app.inject({
      url: `/v1/orders/${orderId}/payments`,
      headers: { authorization: await h.bearer(userId) },
    });
    const [payment] = response.json().items;
    expect(payment.status).toBe('voided');
    expect(payment.attempts.map((a: { operation: string }) => a.operation)).toEqual([
      'authorize',
      'void',
    ]);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { PaymentProvider } from '../src/providers/provider.js';
import { TestProvider } from '../src/providers/test-provider.js';
import { CARDS, reserved, startPayments, type Harness } from './support/harness.js';

/** The built-in test provider, except that authorizations answer after 20 s. */
class HangingProvider extends TestProvider {
  constructor() {
    super({ name: 'hanging' });
  }

  override async authorize(input: Parameters<PaymentProvider['authorize']>[0]) {
    await sleep(20_000);
    return super.authorize(input);
  }
}

/*
 * A provider that hangs (authorizations answer after 20 s) must not hold the
 * consumer's transaction, its advisory lock and a pooled connection for as long as it hangs:
 * each try is given up after PROVIDER_TIMEOUT_MS and the payment fails provider_error.
 */
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
    const { rows } = await sql<{ open: number }>`
      select count(*)::int as open from pg_stat_activity
      where datname = current_database() and state like 'idle in transaction%'`.execute(
      h.database.db,
    );
    expect(rows[0].open).toBe(0);
  });
});

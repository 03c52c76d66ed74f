import type { EventEnvelope } from '@bazaar/contracts';
import type { Handling } from '@bazaar/messaging';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import {
  claimOperationsByKey,
  type OperationKey,
} from '../src/db/provider-operations-repository.js';
import { onStockReserved } from '../src/events/consumers/stock-reserved.js';
import { STOCK_QUEUE } from '../src/events/subscriptions.js';
import {
  CARDS,
  handled,
  reserved,
  settled,
  written,
  startPayments,
  type Harness,
} from './support/harness.js';

describe('authorization on stock.reserved', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments('authorization');
  });
  afterAll(async () => {
    await h.close();
  });

  async function authorizeWith(number: string, amount = 4999) {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, number);
    await h.publish('stock.reserved', reserved(orderId, userId, methodId, amount));
    const event = await h.events!.waitFor(
      (e) =>
        (e.type === 'payment.authorized' || e.type === 'payment.failed') &&
        (e.data as { orderId: string }).orderId === orderId,
    );
    return { userId, orderId, methodId, event };
  }

  async function ledger(orderId: string, userId: string) {
    const response = await h.app.inject({
      url: `/v1/orders/${orderId}/payments`,
      headers: { authorization: await h.bearer(userId) },
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  it('when the order pays with 4242424242424242, then payment.authorized carries its total', async () => {
    const { orderId, event, userId, methodId } = await authorizeWith(CARDS.visa, 12_345);
    expect(event.type).toBe('payment.authorized');
    expect(event.source).toBe('payments');
    expect(event.data).toMatchObject({
      orderId,
      amount: { amount: 12_345, currency: 'EUR' },
      provider: 'test',
    });
    const { items } = await ledger(orderId, userId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: (event.data as { paymentId: string }).paymentId,
      status: 'authorized',
      amount: { amount: 12_345, currency: 'EUR' },
      paymentMethod: { id: methodId, brand: 'visa', last4: '4242' },
      failure: null,
    });
    expect(items[0].providerReference).toBeUndefined();
    expect(items[0].attempts).toMatchObject([
      { operation: 'authorize', outcome: 'succeeded', source: 'saga' },
    ]);
  });

  it('when the order pays with 4000000000000002, then payment.failed says declined', async () => {
    const { event, orderId, userId } = await authorizeWith(CARDS.declined);
    expect(event.type).toBe('payment.failed');
    expect(event.data).toMatchObject({ orderId, reason: 'declined' });
    const { items } = await ledger(orderId, userId);
    expect(items[0]).toMatchObject({ status: 'failed', failure: { reason: 'declined' } });
    expect(items[0].attempts).toMatchObject([
      { operation: 'authorize', outcome: 'declined', reason: 'declined' },
    ]);
  });

  it('when the order pays with 4000000000009995, then payment.failed says insufficient_funds', async () => {
    const { event } = await authorizeWith(CARDS.insufficientFunds);
    expect(event.type).toBe('payment.failed');
    expect(event.data).toMatchObject({ reason: 'insufficient_funds' });
  });

  it('when 4000000000000119 errors on every try, then it is retried and fails with provider_error', async () => {
    const before = h.provider.calls.authorize;
    const { event, orderId, userId } = await authorizeWith(CARDS.transient);
    expect(event.type).toBe('payment.failed');
    expect(event.data).toMatchObject({ reason: 'provider_error' });
    expect(h.provider.calls.authorize - before).toBe(h.config.PROVIDER_RETRY_ATTEMPTS);
    const { items } = await ledger(orderId, userId);
    expect(items[0].attempts).toHaveLength(h.config.PROVIDER_RETRY_ATTEMPTS);
    expect(items[0].attempts.every((a: { outcome: string }) => a.outcome === 'error')).toBe(true);
  });

  it('when stock.reserved arrives three times (same id and new ids), then the order is authorized once', async () => {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);
    const before = h.provider.authorizations;
    const data = reserved(orderId, userId, methodId);
    const first = await h.publish('stock.reserved', data);
    await h.publish('stock.reserved', data, first);
    const ids = await Promise.all([
      h.publish('stock.reserved', data),
      h.publish('stock.reserved', data),
    ]);
    await handled(h, [first, ...ids]);
    await h.events!.waitFor(
      (e) => e.type === 'payment.authorized' && (e.data as { orderId: string }).orderId === orderId,
    );
    await settled(h);
    expect(await written(h, 'payment.authorized', orderId)).toHaveLength(1);
    expect(h.provider.authorizations - before).toBe(1);
    const { items } = await ledger(orderId, userId);
    expect(items).toHaveLength(1);
    expect(items[0].attempts).toHaveLength(1);
  });

  it("when the payment method is unknown or another shopper's, then the payment fails declined", async () => {
    const owner = uuidv7();
    const methodId = await h.createMethod(owner, CARDS.visa);
    const stranger = uuidv7();
    for (const method of [methodId, uuidv7()]) {
      const orderId = uuidv7();
      await h.publish('stock.reserved', reserved(orderId, stranger, method));
      const event = await h.events!.waitFor(
        (e) => (e.data as { orderId?: string }).orderId === orderId,
      );
      expect(event.type).toBe('payment.failed');
      expect(event.data).toMatchObject({ reason: 'declined', message: 'unknown payment method' });
    }
  });

  it('when the card expired after it was vaulted, then the payment fails expired_card without a provider call', async () => {
    const userId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);
    // The card was valid when vaulted; time has passed since.
    await h.database.db
      .updateTable('payment_methods')
      .set({ exp_year: 2020 })
      .where('id', '=', methodId)
      .execute();
    const before = h.provider.calls.authorize;
    const orderId = uuidv7();
    await h.publish('stock.reserved', reserved(orderId, userId, methodId));
    const event = await h.events!.waitFor(
      (e) => (e.data as { orderId?: string }).orderId === orderId,
    );
    expect(event.type).toBe('payment.failed');
    expect(event.data).toMatchObject({ reason: 'expired_card' });
    expect(h.provider.calls.authorize).toBe(before);
  });

  it('when the payment method belongs to a provider no longer configured, then it fails provider_error', async () => {
    const userId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);
    await h.database.db
      .updateTable('payment_methods')
      .set({ provider: 'retired' })
      .where('id', '=', methodId)
      .execute();
    const orderId = uuidv7();
    await h.publish('stock.reserved', reserved(orderId, userId, methodId));
    const event = await h.events!.waitFor(
      (e) => (e.data as { orderId?: string }).orderId === orderId,
    );
    expect(event.type).toBe('payment.failed');
    expect(event.data).toMatchObject({
      reason: 'provider_error',
      message: 'payment provider retired is not configured',
    });
  });

  it('when the order was cancelled before its stock.reserved arrived, then nothing is authorized', async () => {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);
    const cancelId = await h.publish('order.cancelled', {
      orderId,
      userId,
      reason: 'customer_cancelled',
    });
    await handled(h, [cancelId]);
    const before = h.provider.calls.authorize;
    const reservedId = await h.publish('stock.reserved', reserved(orderId, userId, methodId));
    await settled(h, [reservedId]);
    expect(h.provider.calls.authorize).toBe(before);
    expect(await written(h, 'payment.authorized', orderId)).toHaveLength(0);
    expect(await written(h, 'payment.failed', orderId)).toHaveLength(0);
  });

  describe("the stock.reserved handler's alone form (a delivery on its own)", () => {
    /** What the handler handed over as the consumer would, once its statement applied the message. */
    const taken: OperationKey[] = [];
    const alone = onStockReserved({
      take: (key) => void taken.push(key),
      leaseMs: undefined,
      takeClaimed: () => undefined,
    }).alone!;
    const calls: Array<() => void> = [];
    const handling: Handling = { afterCommit: (fn) => void calls.push(fn) };
    /** Makes the after-commit calls asked for (the statement applied the message): what they handed over. */
    function committed(): OperationKey[] {
      for (const call of calls.splice(0)) call();
      return taken.splice(0);
    }

    function event(orderId: string, userId: string, methodId: string) {
      const envelope: EventEnvelope<'stock.reserved'> = {
        id: uuidv7(),
        type: 'stock.reserved',
        version: 1,
        time: new Date().toISOString(),
        source: 'catalog',
        data: reserved(orderId, userId, methodId),
      };
      return envelope;
    }
    const entry = (e: EventEnvelope) => ({ queue: STOCK_QUEUE, messageId: e.id, type: e.type });
    async function inboxed(e: EventEnvelope): Promise<number> {
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from inbox_messages
        where queue = ${STOCK_QUEUE} and message_id = ${e.id}::uuid`.execute(h.database.db);
      return rows[0]!.count;
    }
    async function operations(orderId: string): Promise<number> {
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from provider_operations
        where order_id = ${orderId}::uuid`.execute(h.database.db);
      return rows[0]!.count;
    }

    it('when the authorization is new, then one statement asks it with the inbox row, hands it over once applied, and the runner authorizes it', async () => {
      const userId = uuidv7();
      const orderId = uuidv7();
      const methodId = await h.createMethod(userId, CARDS.visa);
      const e = event(orderId, userId, methodId);
      expect(await alone(e, h.database.db, entry(e), handling)).toBe(true);
      expect(committed()).toEqual([{ orderId, operation: 'authorize' }]);
      expect(await inboxed(e)).toBe(1);
      // Handed to the stand-in above, not to the app's runner: that one finds it by its poll.
      const authorized = await h.events!.waitFor(
        (x) =>
          x.type === 'payment.authorized' && (x.data as { orderId: string }).orderId === orderId,
      );
      expect(authorized.data).toMatchObject({ amount: { amount: 4999, currency: 'EUR' } });
    });

    it('when the authorization was asked before, then it declines and writes nothing, not even the inbox row', async () => {
      const orderId = uuidv7();
      const first = event(orderId, uuidv7(), uuidv7());
      expect(await alone(first, h.database.db, entry(first), handling)).toBe(true);
      committed();
      const again = { ...first, id: uuidv7() };
      expect(await alone(again, h.database.db, entry(again), handling)).toBe(false);
      expect(calls).toEqual([]);
      expect(await inboxed(again)).toBe(0);
      expect(await operations(orderId)).toBe(1);
    });

    it('when an authorization is committed claimed for this process’s runner and never handed over (the process stopped), then no runner claims it before its lease ends, and a poll authorizes it once after', async () => {
      const userId = uuidv7();
      const orderId = uuidv7();
      const methodId = await h.createMethod(userId, CARDS.visa);
      const e = event(orderId, userId, methodId);
      // The runner it was leased to is gone: what is handed over goes nowhere.
      const crashed = onStockReserved({
        take: () => undefined,
        leaseMs: 1500,
        takeClaimed: () => undefined,
      }).alone!;
      expect(await crashed(e, h.database.db, entry(e), handling)).toBe(true);
      calls.splice(0);

      // Leased: not due, so a claim by its key (any runner's) finds nothing.
      const key = { orderId, operation: 'authorize' as const };
      expect(await claimOperationsByKey(h.database.db, 10_000, [key])).toEqual([]);
      const authorized = await h.events!.waitFor(
        (x) =>
          x.type === 'payment.authorized' && (x.data as { orderId: string }).orderId === orderId,
      );
      expect(authorized.data).toMatchObject({ amount: { amount: 4999, currency: 'EUR' } });
      await settled(h);
      const { rows } = await sql<{ tries: number; attempts: number }>`
        select o.tries,
               (select count(*)::int from payment_attempts a join payments p on p.id = a.payment_id
                 where p.order_id = o.order_id) as attempts
          from provider_operations o where o.order_id = ${orderId}::uuid`.execute(h.database.db);
      // Its insert's try, then the poll's claim after the lease; one provider call, one ledger row.
      expect(rows).toEqual([{ tries: 2, attempts: 1 }]);
    });

    it('when the message was handled before (its inbox row is there), then the statement fails and asks nothing', async () => {
      const orderId = uuidv7();
      const e = event(orderId, uuidv7(), uuidv7());
      await sql`
        insert into inbox_messages (queue, message_id, type)
        values (${STOCK_QUEUE}, ${e.id}::uuid, ${e.type})`.execute(h.database.db);
      await expect(alone(e, h.database.db, entry(e), handling)).rejects.toThrow(/duplicate key/);
      expect(calls).toEqual([]);
      expect(await operations(orderId)).toBe(0);
    });
  });

  describe('the ledger', () => {
    let order: { orderId: string; userId: string };

    beforeAll(async () => {
      order = await authorizeWith(CARDS.visa);
    });

    it("when another shopper asks for the order's payments, then it is 404", async () => {
      const response = await h.app.inject({
        url: `/v1/orders/${order.orderId}/payments`,
        headers: { authorization: await h.bearer(uuidv7()) },
      });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('when an order payments never saw is asked for, then it is 404', async () => {
      const response = await h.app.inject({
        url: `/v1/orders/${uuidv7()}/payments`,
        headers: { authorization: await h.bearer(order.userId) },
      });
      expect(response.statusCode).toBe(404);
    });

    it('when nobody is signed in, then it is 401', async () => {
      const response = await h.app.inject({ url: `/v1/orders/${order.orderId}/payments` });
      expect(response.statusCode).toBe(401);
    });

    it('when an admin asks, then the ledger comes with the provider reference', async () => {
      const response = await h.app.inject({
        url: `/v1/admin/orders/${order.orderId}/payments`,
        headers: { authorization: await h.bearer(uuidv7(), ['admin']) },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().items[0].providerReference).toMatch(/^auth_/);
    });

    it('when a shopper uses the admin route, then it is 403', async () => {
      const response = await h.app.inject({
        url: `/v1/admin/orders/${order.orderId}/payments`,
        headers: { authorization: await h.bearer(order.userId) },
      });
      expect(response.statusCode).toBe(403);
    });

    it('when the id is not a uuid, then it is 400', async () => {
      const response = await h.app.inject({
        url: '/v1/orders/nope/payments',
        headers: { authorization: await h.bearer(order.userId) },
      });
      expect(response.statusCode).toBe(400);
    });
  });
});

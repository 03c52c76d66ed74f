import { queueNames } from '@bazaar/messaging';
import { readyCount, testAmqpUrl } from '@bazaar/messaging/testing';
import { eventually } from '@bazaar/service-kit/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { ORDERS_QUEUE } from '../src/events/subscriptions.js';
import type { PaymentProvider } from '../src/providers/provider.js';
import { TestProvider } from '../src/providers/test-provider.js';
import {
  CARDS,
  authorizedOrder,
  handled,
  ledger,
  reserved,
  startPayments,
  type Harness,
} from './support/harness.js';

/** The test provider, except that authorizations wait while `held` (until `release`). */
class GatedProvider extends TestProvider {
  held = false;
  /** Authorizations waiting for the gate. */
  waiting = 0;
  private opened: Promise<void> = Promise.resolve();
  release: () => void = () => undefined;

  constructor() {
    super({ name: 'gated' });
  }

  hold(): void {
    this.held = true;
    this.opened = new Promise((resolve) => (this.release = resolve));
  }

  override async authorize(input: Parameters<PaymentProvider['authorize']>[0]) {
    if (this.held) {
      this.waiting++;
      await this.opened;
      this.waiting--;
    }
    return super.authorize(input);
  }
}

/**
 * The runner of this process gets the operations its consumers (and its own outcomes) committed
 * from them, after the commit, and the database notifies nothing for them; what any other
 * session writes still notifies. The runner's poll is a minute here: what runs, ran because it
 * was handed over or notified.
 */
describe('provider operations handed to the runner in process', () => {
  const provider = new GatedProvider();
  let h: Harness;
  /** A connection of the test's own listening on the runner's channel (and a probe channel). */
  let listener: pg.Client;
  const heard: string[] = [];

  beforeAll(async () => {
    h = await startPayments('hand_off', {
      env: { PROVIDER_OPERATIONS_POLL_MS: '60000', PAYMENT_PROVIDER: 'gated' },
      providers: [provider],
    });
    listener = new pg.Client({ connectionString: h.database.url });
    await listener.connect();
    listener.on('notification', (n) => void heard.push(`${n.channel}: ${n.payload ?? ''}`));
    await listener.query('listen payments_operations');
    await listener.query('listen hand_off_probe');
  });
  afterAll(async () => {
    await listener?.end();
    await h?.close();
  });

  /**
   * What the runner's channel carried about an order up to now: a probe notified after the
   * calls is heard after what they notified (notifications arrive in commit order).
   */
  async function notifiedAbout(orderId: string): Promise<string[]> {
    const probe = uuidv7();
    await sql`select pg_notify('hand_off_probe', ${probe})`.execute(h.database.db);
    await eventually(() => heard.includes(`hand_off_probe: ${probe}`));
    return heard.filter((line) => line.startsWith(`payments_operations: ${orderId}`));
  }

  it("when this process's consumer commits an authorization, then its runner runs it and the database notifies nothing", async () => {
    const { orderId, event } = await authorizedOrder(h);

    expect(event.type).toBe('payment.authorized');
    expect(await notifiedAbout(orderId)).toEqual([]);
  });

  it("when this process's consumer commits an authorization, then it is inserted claimed for its runner, which runs it without a claim of its own", async () => {
    // A claim is an update of the row that counts a try.
    await sql`create table claims (order_id uuid not null)`.execute(h.database.db);
    await sql`create function count_claim() returns trigger language plpgsql as $$
              begin
                insert into claims values (new.order_id);
                return new;
              end $$`.execute(h.database.db);
    await sql`create trigger count_claim before update on provider_operations
              for each row when (new.tries <> old.tries) execute function count_claim()`.execute(
      h.database.db,
    );
    try {
      const { orderId, event } = await authorizedOrder(h);

      expect(event.type).toBe('payment.authorized');
      const { rows } = await sql<{ tries: number; claims: number }>`
        select tries, (select count(*)::int from claims c where c.order_id = o.order_id) as claims
          from provider_operations o where order_id = ${orderId}::uuid`.execute(h.database.db);
      expect(rows).toEqual([{ tries: 1, claims: 0 }]);
    } finally {
      await sql`drop trigger count_claim on provider_operations`.execute(h.database.db);
      await sql`drop function count_claim()`.execute(h.database.db);
      await sql`drop table claims`.execute(h.database.db);
    }
  });

  it('when another session writes an operation, then it notifies its key and the runner runs it', async () => {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);
    const { total, paymentMethodId } = reserved(orderId, userId, methodId, 1200);
    const other = new pg.Client({ connectionString: h.database.url });
    await other.connect();
    try {
      await other.query(
        `insert into provider_operations (order_id, operation, request)
         values ($1, 'authorize', $2)`,
        [orderId, JSON.stringify({ orderId, userId, total, paymentMethodId })],
      );
    } finally {
      await other.end();
    }

    const authorized = await h.events!.waitFor(
      (e) => e.type === 'payment.authorized' && (e.data as { orderId: string }).orderId === orderId,
    );
    expect(authorized.data).toMatchObject({ amount: { amount: 1200, currency: 'EUR' } });
    expect(await notifiedAbout(orderId)).toEqual([`payments_operations: ${orderId} authorize`]);
  });

  it('when a session names provider_operations in bazaar.wakes, then its inserts notify nothing; naming other tables or none, they notify', async () => {
    const session = new pg.Client({ connectionString: h.database.url });
    await session.connect();
    const insert = async (wakes: string | undefined) => {
      if (wakes !== undefined) await session.query(`set bazaar.wakes = '${wakes}'`);
      const orderId = uuidv7();
      // Due in a day: the runner leaves it alone.
      await session.query(
        `insert into provider_operations (order_id, operation, not_before)
         values ($1, 'capture', now() + interval '1 day')`,
        [orderId],
      );
      return notifiedAbout(orderId);
    };
    try {
      expect(await insert(undefined)).toHaveLength(1);
      expect(await insert('outbox_events,provider_operations')).toEqual([]);
      expect(await insert('provider_operations')).toEqual([]);
      expect(await insert('outbox_events')).toHaveLength(1);
      expect(await insert('')).toHaveLength(1);
    } finally {
      await session.end();
    }
  });

  it("when a batch's transaction rolls back, then the capture one of its handlers asked for is handed over once it commits alone, and is run", async () => {
    const shipped = await authorizedOrder(h);
    const failing = await authorizedOrder(h);
    // The cancel of `failing` fails in the database, every time.
    await sql`create function fail_cancel() returns trigger language plpgsql as $$
              begin
                if new.order_id = ${sql.lit(failing.orderId)}::uuid then
                  raise exception 'cannot cancel %', new.order_id;
                end if;
                return new;
              end $$`.execute(h.database.db);
    await sql`create trigger fail_cancel before insert on cancelled_orders
              for each row execute function fail_cancel()`.execute(h.database.db);
    // A first order's handler waits for its order's lock, held here, while the two under test
    // are delivered behind it: they become one batch.
    const holder = uuidv7();
    const lock = new pg.Client({ connectionString: h.database.url });
    await lock.connect();
    try {
      await lock.query('begin');
      await lock.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [holder]);
      await h.publish('order.shipped', { orderId: holder, userId: uuidv7() });
      await eventually(async () => {
        const { rows } = await sql<{ waiting: number }>`
          select count(*)::int as waiting from pg_locks
           where locktype = 'advisory' and not granted`.execute(h.database.db);
        return rows[0]!.waiting === 1;
      });
      const shipId = await h.publish('order.shipped', {
        orderId: shipped.orderId,
        userId: shipped.userId,
      });
      await h.publish('order.cancelled', {
        orderId: failing.orderId,
        userId: failing.userId,
        reason: 'customer_cancelled',
      });
      const { main } = queueNames(h.namespace, ORDERS_QUEUE, []);
      await eventually(async () => (await readyCount(testAmqpUrl(), main)) === 0);
      await lock.query('commit');

      await handled(h, [shipId]);
      await eventually(async () => (await ledger(h, shipped.orderId)).status === 'captured');
    } finally {
      await lock.end();
      await sql`drop trigger fail_cancel on cancelled_orders`.execute(h.database.db);
      await sql`drop function fail_cancel()`.execute(h.database.db);
    }
    expect(
      h.logs.some(
        (line) =>
          line.includes('batch failed; applying its messages one by one') &&
          line.includes('"messages":2'),
      ),
    ).toBe(true);
    expect(await notifiedAbout(shipped.orderId)).toEqual([]);
  });

  it('when an order is cancelled while its authorization is with the provider, then the release that outcome asks for is handed over and run, unnotified', async () => {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);
    provider.hold();
    try {
      await h.publish('stock.reserved', reserved(orderId, userId, methodId, 700));
      await eventually(() => provider.waiting === 1, { what: 'the call with the provider' });
      const cancel = await h.publish('order.cancelled', {
        orderId,
        userId,
        reason: 'customer_cancelled',
      });
      await handled(h, [cancel]);
    } finally {
      provider.held = false;
      provider.release();
    }

    const refunded = await h.events!.waitFor(
      (e) => e.type === 'payment.refunded' && (e.data as { orderId: string }).orderId === orderId,
    );
    expect(refunded.data).toMatchObject({ amount: { amount: 700, currency: 'EUR' } });
    expect((await ledger(h, orderId)).status).toBe('voided');
    expect(await notifiedAbout(orderId)).toEqual([]);
  });
});

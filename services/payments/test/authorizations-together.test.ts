import { queueNames } from '@bazaar/messaging';
import { readyCount, testAmqpUrl } from '@bazaar/messaging/testing';
import { eventually } from '@bazaar/service-kit/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { STOCK_QUEUE } from '../src/events/subscriptions.js';
import { CARDS, handled, reserved, startPayments, type Harness } from './support/harness.js';

/**
 * A batch of `payments.stock` (keyed by the order) asks its orders' authorizations in one
 * statement (the `together` form of `stock.reserved`). To make a batch, a first order's
 * delivery is held on its order's row (an insert of the same key, uncommitted, by the test)
 * while the others arrive behind it.
 */
describe('stock.reserved of several orders in one batch', () => {
  let h: Harness;
  const queues = () => queueNames(h.namespace, STOCK_QUEUE, []);

  beforeAll(async () => {
    h = await startPayments('together');
    // How many rows each insert statement into provider_operations wrote.
    await sql`create table insert_statements (id serial primary key, rows int not null)`.execute(
      h.database.db,
    );
    await sql`create function count_inserted() returns trigger language plpgsql as $$
              begin
                insert into insert_statements (rows) select count(*) from inserted;
                return null;
              end $$`.execute(h.database.db);
    await sql`create trigger count_inserted after insert on provider_operations
              referencing new table as inserted
              for each statement execute function count_inserted()`.execute(h.database.db);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Orders with a saved card, and their `stock.reserved`. */
  async function orders(count: number) {
    const made: Array<{ orderId: string; data: ReturnType<typeof reserved> }> = [];
    for (let i = 0; i < count; i++) {
      const userId = uuidv7();
      const orderId = uuidv7();
      const methodId = await h.createMethod(userId, CARDS.visa);
      made.push({ orderId, data: reserved(orderId, userId, methodId, 1000 + i) });
    }
    return made;
  }

  /**
   * Publishes `held`'s stock.reserved and holds its consumer on its order's key (an insert of
   * it, uncommitted) while `behind` is published; then lets go (the insert rolled back). Returns
   * the message ids of `behind`.
   */
  async function asOneBatch(held: string, behind: (() => Promise<string>)[]): Promise<string[]> {
    const lock = new pg.Client({ connectionString: h.database.url });
    await lock.connect();
    try {
      await lock.query('begin');
      await lock.query(
        `insert into provider_operations (order_id, operation) values ($1, 'authorize')`,
        [held],
      );
      const [first] = await orders(1);
      await h.publish('stock.reserved', { ...first!.data, orderId: held });
      await eventually(async () => {
        const { rows } = await sql<{ waiting: number }>`
          select count(*)::int as waiting from pg_locks
           where locktype = 'transactionid' and not granted`.execute(h.database.db);
        return rows[0]!.waiting === 1;
      });
      const ids: string[] = [];
      for (const publish of behind) ids.push(await publish());
      await eventually(async () => (await readyCount(testAmqpUrl(), queues().main)) === 0);
      await lock.query('rollback');
      return ids;
    } finally {
      await lock.end();
    }
  }

  async function insertStatements(): Promise<number[]> {
    const { rows } = await sql<{ rows: number }>`
      select rows from insert_statements order by id`.execute(h.database.db);
    return rows.map((r) => r.rows);
  }

  it('when several orders’ stock.reserved arrive in one batch, then one statement asks every authorization and the runner authorizes each', async () => {
    const batch = await orders(5);
    const before = (await insertStatements()).length;

    await asOneBatch(
      uuidv7(),
      batch.map(
        ({ data }) =>
          () =>
            h.publish('stock.reserved', data),
      ),
    );

    for (const { orderId, data } of batch) {
      const authorized = await h.events!.waitFor(
        (e) =>
          e.type === 'payment.authorized' && (e.data as { orderId: string }).orderId === orderId,
      );
      expect(authorized.data).toMatchObject({ amount: data.total });
    }
    // The held order's (alone, one row), then the five in one.
    expect((await insertStatements()).slice(before)).toEqual([1, 5]);
  });

  it('when one delivery of such a batch fails, then its batch-mates are authorized and only it is retried, then dead-lettered', async () => {
    const batch = await orders(4);
    const failing = batch[2]!.orderId;
    await sql`create function fail_authorize() returns trigger language plpgsql as $$
              begin
                if new.order_id = ${sql.lit(failing)}::uuid then
                  raise exception 'cannot ask for %', new.order_id;
                end if;
                return new;
              end $$`.execute(h.database.db);
    await sql`create trigger fail_authorize before insert on provider_operations
              for each row execute function fail_authorize()`.execute(h.database.db);
    try {
      const ids = await asOneBatch(
        uuidv7(),
        batch.map(
          ({ data }) =>
            () =>
              h.publish('stock.reserved', data),
        ),
      );

      const others = batch.filter(({ orderId }) => orderId !== failing);
      await handled(
        h,
        ids.filter((_, i) => batch[i]!.orderId !== failing),
      );
      for (const { orderId } of others) {
        await h.events!.waitFor(
          (e) =>
            e.type === 'payment.authorized' && (e.data as { orderId: string }).orderId === orderId,
        );
      }
      await eventually(async () => (await readyCount(testAmqpUrl(), queues().deadLetter)) === 1, {
        what: 'the failing delivery in the dead-letter queue',
      });
    } finally {
      await sql`drop trigger fail_authorize on provider_operations`.execute(h.database.db);
      await sql`drop function fail_authorize()`.execute(h.database.db);
    }
    expect(
      h.logs.some(
        (line) =>
          line.includes('batch failed; applying its messages one by one') &&
          line.includes('"messages":4'),
      ),
    ).toBe(true);
    const { rows } = await sql<{ count: number }>`
      select count(*)::int as count from provider_operations
       where order_id = ${failing}::uuid`.execute(h.database.db);
    expect(rows[0]!.count).toBe(0);
  });
});

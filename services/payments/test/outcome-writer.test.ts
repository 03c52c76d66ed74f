import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { InvalidEventError, type OutboxBatch } from '@bazaar/messaging';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { OutcomeWriter } from '../src/operations/outcome-writer.js';

describe('outcomes of provider operations', () => {
  let database: TestDatabase<Database>;
  const warnings: string[] = [];
  const log = {
    debug: () => undefined,
    info: () => undefined,
    warn: (_: object, message?: string) => void warnings.push(message ?? ''),
    error: () => undefined,
  };

  beforeAll(async () => {
    database = await createTestDatabase<Database>('payments_outcomes', migrations);
  });

  afterAll(async () => {
    await database?.drop();
  });

  /** An outcome that notes its transaction and writes a row, then fails when told to. */
  function outcome(orderId: string, transactions: Map<string, string[]>, fail = false) {
    return async (trx: Kysely<Database>) => {
      const { rows } = await sql<{ txid: string }>`select txid_current()::text as txid`.execute(
        trx,
      );
      transactions.set(orderId, [...(transactions.get(orderId) ?? []), rows[0]!.txid]);
      await trx
        .insertInto('cancelled_orders')
        .values({ order_id: orderId, reason: 'test' })
        .execute();
      if (fail) throw new Error(`cannot write the outcome of ${orderId}`);
    };
  }

  async function written(orderIds: string[]): Promise<string[]> {
    const rows = await database.db
      .selectFrom('cancelled_orders')
      .select('order_id')
      .where('order_id', 'in', orderIds)
      .execute();
    return rows.map((row) => row.order_id).sort();
  }

  it('when outcomes are ready together, then they are written in one transaction', async () => {
    const writer = new OutcomeWriter({ log: log as never }, database.db);
    const orders = [uuidv7(), uuidv7(), uuidv7()];
    const transactions = new Map<string, string[]>();
    await Promise.all(orders.map((id) => writer.write(outcome(id, transactions))));
    expect(await written(orders)).toEqual([...orders].sort());
    expect(new Set(orders.map((id) => transactions.get(id)!.join())).size).toBe(1);
  });

  it('when one outcome of a shared transaction fails, then it alone fails and the others are written', async () => {
    const writer = new OutcomeWriter({ log: log as never }, database.db);
    const [first, failing, last] = [uuidv7(), uuidv7(), uuidv7()];
    const transactions = new Map<string, string[]>();
    const results = await Promise.allSettled([
      writer.write(outcome(first, transactions)),
      writer.write(outcome(failing, transactions, true)),
      writer.write(outcome(last, transactions)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await written([first, failing, last])).toEqual([first, last].sort());
    // Tried together first (the failing one rolled that back), then each alone.
    const shared = transactions.get(failing)![0];
    expect(transactions.get(first)).toEqual([shared, expect.not.stringMatching(`^${shared}$`)]);
    expect(transactions.get(failing)).toHaveLength(2);
    expect(transactions.get(last)).toHaveLength(1);
    expect(warnings).toContain('outcomes could not be written together; writing them one by one');
  });

  /** An outcome that adds its order's `payment.failed` (invalid data when told to). */
  function failedPayment(orderId: string, invalid = false) {
    return async (_trx: Kysely<Database>, _order: unknown, events: OutboxBatch) => {
      events.add({
        type: 'payment.failed',
        data: {
          orderId,
          paymentId: uuidv7(),
          reason: invalid ? 'no such reason' : 'declined',
          message: 'declined by the test',
        },
      } as never);
    };
  }

  /** The writer's database, counting the inserts into the outbox. */
  function countingOutboxInserts(): { db: Kysely<Database>; inserts: () => number } {
    let inserts = 0;
    const plugin: KyselyPlugin = {
      transformQuery: ({ node }) => {
        if (node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === 'outbox_events')
          inserts += 1;
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    return { db: database.db.withPlugin(plugin), inserts: () => inserts };
  }

  async function eventsOf(orderIds: string[]): Promise<string[]> {
    const rows = await database.db
      .selectFrom('outbox_events')
      .select(sql<string>`data ->> 'orderId'`.as('order_id'))
      .where(sql<string>`data ->> 'orderId'`, 'in', orderIds)
      .execute();
    return rows.map((row) => row.order_id).sort();
  }

  it('when outcomes written together add events, then one insert writes the events of all', async () => {
    const { db, inserts } = countingOutboxInserts();
    const writer = new OutcomeWriter({ log: log as never }, db);
    const orders = [uuidv7(), uuidv7(), uuidv7()];
    await Promise.all(orders.map((id) => writer.write(failedPayment(id))));
    expect(await eventsOf(orders)).toEqual([...orders].sort());
    expect(inserts()).toBe(1);
  });

  it('when one outcome of a shared transaction adds an invalid event, then it alone fails and the others are written with their events', async () => {
    const writer = new OutcomeWriter({ log: log as never }, database.db);
    const [first, invalid, last] = [uuidv7(), uuidv7(), uuidv7()];
    const results = await Promise.allSettled([
      writer.write(failedPayment(first)),
      writer.write(failedPayment(invalid, true)),
      writer.write(failedPayment(last)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidEventError);
    expect(await eventsOf([first, invalid, last])).toEqual([first, last].sort());
  });
});

import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { InvalidEventError } from '@bazaar/messaging';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import type { OutcomeBatch } from '../src/domain/outcome-batch.js';
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

  /**
   * An outcome that adds its order's failed payment, with a ledger row, and its `payment.failed`
   * (invalid data when told to).
   */
  function failedPayment(orderId: string, invalid = false) {
    return async (_trx: Kysely<Database>, _order: unknown, batch: OutcomeBatch) => {
      const paymentId = uuidv7();
      const declined = { reason: 'declined', message: 'declined by the test' } as const;
      const money = { amount: 1000, currency: 'EUR' };
      batch.addPayment({
        payment: {
          id: paymentId,
          order_id: orderId,
          user_id: uuidv7(),
          payment_method_id: null,
          provider: 'test',
          provider_reference: null,
          status: 'failed',
          ...money,
          failure_reason: declined.reason,
          failure_message: declined.message,
        },
        attempts: [
          {
            operation: 'authorize',
            source: 'saga',
            outcome: 'declined',
            ...money,
            ...declined,
            provider_reference: null,
          },
        ],
      });
      batch.events.add({
        type: 'payment.failed',
        data: {
          orderId,
          paymentId,
          reason: invalid ? 'no such reason' : 'declined',
          message: 'declined by the test',
        },
      } as never);
    };
  }

  /** The writer's database, counting its insert statements. */
  function countingInserts(): { db: Kysely<Database>; inserts: () => number } {
    let inserts = 0;
    const plugin: KyselyPlugin = {
      transformQuery: ({ node }) => {
        if (node.kind === 'InsertQueryNode') inserts += 1;
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    return { db: database.db.withPlugin(plugin), inserts: () => inserts };
  }

  async function paymentsOf(orderIds: string[]): Promise<string[]> {
    const rows = await database.db
      .selectFrom('payments')
      .innerJoin('payment_attempts', 'payment_attempts.payment_id', 'payments.id')
      .select('payments.order_id')
      .where('payments.order_id', 'in', orderIds)
      .execute();
    return rows.map((row) => row.order_id).sort();
  }

  async function eventsOf(orderIds: string[]): Promise<string[]> {
    const { rows } = await sql<{ order_id: string }>`
      select data ->> 'orderId' as order_id from outbox_events
       where data ->> 'orderId' = any(${orderIds})`.execute(database.db);
    return rows.map((row) => row.order_id).sort();
  }

  it('when outcomes written together add payments and events, then one statement inserts the payments of all, their ledger rows and their events', async () => {
    const { db, inserts } = countingInserts();
    const writer = new OutcomeWriter({ log: log as never }, db);
    const orders = [uuidv7(), uuidv7(), uuidv7()];
    await Promise.all(orders.map((id) => writer.write(failedPayment(id))));
    expect(await paymentsOf(orders)).toEqual([...orders].sort());
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
    expect(await paymentsOf([first, invalid, last])).toEqual([first, last].sort());
    expect(await eventsOf([first, invalid, last])).toEqual([first, last].sort());
  });
});

import { storageParameters } from '@bazaar/db/testing';
import { sql, type Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import {
  CARDS,
  reserved,
  settled,
  startPayments,
  written,
  type Harness,
} from './support/harness.js';

const JOB = 'provider operations pruning';
const RETENTION_HOURS = 2;

async function prune(h: Harness): Promise<void> {
  const job = h.app.periodicJobs?.get(JOB);
  if (!job) throw new Error(`no periodic job ${JOB}`);
  await job.runOnce();
}

/** Moves an order's operations' completion back in time, past the retention. */
async function ageOperations(h: Harness, orderId: string, hours: number): Promise<void> {
  await h.database.db
    .updateTable('provider_operations')
    .set({ done_at: sql`done_at - ${hours} * interval '1 hour'` })
    .where('order_id', '=', orderId)
    .where('done_at', 'is not', null)
    .execute();
}

async function operationsOf(h: Harness, orderId: string) {
  return h.database.db
    .selectFrom('provider_operations')
    .select(['operation', 'done_at'])
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .execute();
}

describe('pruning of finished provider operations', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments('ops_pruning', {
      env: { PROVIDER_OPERATIONS_RETENTION_HOURS: String(RETENTION_HOURS) },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when the job runs, then finished operations older than the retention are deleted and recent or unfinished ones kept', async () => {
    const [oldDone, recentDone, oldOpen] = [uuidv7(), uuidv7(), uuidv7()];
    const hours = (n: number) => sql<Date>`now() - ${n} * interval '1 hour'`;
    await h.database.db
      .insertInto('provider_operations')
      .values([
        {
          order_id: oldDone,
          operation: 'capture',
          created_at: hours(RETENTION_HOURS + 2),
          done_at: hours(RETENTION_HOURS + 1),
        },
        {
          order_id: recentDone,
          operation: 'capture',
          created_at: hours(RETENTION_HOURS + 2),
          done_at: hours(RETENTION_HOURS - 1),
        },
        {
          // Waiting for a retry far ahead (so the runner leaves it alone), asked for long ago.
          order_id: oldOpen,
          operation: 'release',
          created_at: hours(RETENTION_HOURS + 2),
          not_before: sql<Date>`now() + interval '1 day'`,
        },
      ])
      .execute();

    await prune(h);

    expect(await operationsOf(h, oldDone)).toEqual([]);
    expect(await operationsOf(h, recentDone)).toHaveLength(1);
    expect(await operationsOf(h, oldOpen)).toEqual([{ operation: 'release', done_at: null }]);
    // Not left waiting for the next test's `settled`.
    await h.database.db
      .deleteFrom('provider_operations')
      .where('order_id', 'in', [recentDone, oldOpen])
      .execute();
  });

  it('when the events of a settled order come again after its operations were pruned (and its inbox rows too), then the provider is not called again', async () => {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);
    const stock = await h.publish('stock.reserved', reserved(orderId, userId, methodId, 3000));
    await h.events!.waitFor(
      (e) => e.type === 'payment.authorized' && (e.data as { orderId: string }).orderId === orderId,
    );
    const shipped = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [shipped]);
    const cancel = { orderId, userId, reason: 'customer_cancelled' as const };
    const cancelled = await h.publish('order.cancelled', cancel);
    await settled(h, [stock, shipped, cancelled]);
    const calls = { ...h.provider.calls };
    expect((await operationsOf(h, orderId)).map((o) => o.operation)).toEqual([
      'authorize',
      'capture',
      'release',
    ]);

    await ageOperations(h, orderId, RETENTION_HOURS + 1);
    await prune(h);
    expect(await operationsOf(h, orderId)).toEqual([]);
    // Past the inbox's retention too: the same messages are new to the consumers.
    const ids = [stock, shipped, cancelled];
    const inbox = h.database.db as unknown as Kysely<{ inbox_messages: { message_id: string } }>;
    await inbox.deleteFrom('inbox_messages').where('message_id', 'in', ids).execute();
    await h.publish('stock.reserved', reserved(orderId, userId, methodId, 3000), stock);
    await h.publish('order.shipped', { orderId, userId }, shipped);
    await h.publish('order.cancelled', cancel, cancelled);
    await settled(h, ids);

    // The authorization is asked for again and found with nothing to do (the order has its
    // payment); the capture and the release are not asked for (the payment is refunded).
    expect((await operationsOf(h, orderId)).map((o) => o.operation)).toEqual(['authorize']);
    expect(h.provider.calls).toEqual(calls);
    expect(await written(h, 'payment.authorized', orderId)).toHaveLength(1);
    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(1);
  });

  it('when the database is migrated, then provider_operations, a queue pruned like the outbox, is vacuumed after a fixed count of dead rows, not after a fifth of the table', async () => {
    expect(await storageParameters(h.database.db, 'provider_operations')).toEqual([
      'autovacuum_vacuum_scale_factor=0',
      'autovacuum_vacuum_threshold=5000',
    ]);
  });
});

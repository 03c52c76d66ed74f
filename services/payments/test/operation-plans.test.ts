import { createDb } from '@bazaar/db';
import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import {
  claimOperationsByKey,
  completeOperationsReadingOrders,
  type OperationKey,
} from '../src/db/provider-operations-repository.js';

/**
 * Postgres plans a prepared statement's first five runs for their values, then keeps a generic
 * plan only if it costs no more than those did: a statement whose generic plan always looks
 * dearer is planned at every run, which for these costs more than running them.
 */
describe('the runner statements named by operation keys', () => {
  let database: TestDatabase<Database>;

  beforeAll(async () => {
    database = await createTestDatabase<Database>('payments_operation_plans', migrations);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('when operations are claimed and completed by key again and again on a connection, then Postgres keeps their plans instead of planning every run', async () => {
    // Not due for a day: the claims find nothing to take and change nothing.
    const waiting: OperationKey[] = [uuidv7(), uuidv7()].map((orderId) => ({
      orderId,
      operation: 'authorize',
    }));
    await database.db
      .insertInto('provider_operations')
      .values(
        waiting.map((key) => ({
          order_id: key.orderId,
          operation: key.operation,
          not_before: sql<Date>`now() + interval '1 day'`,
        })),
      )
      .execute();
    // One connection, so its prepared statements are the ones these calls made.
    const db = createDb<Database>(database.url, { poolSize: 1 });
    try {
      const unknown: OperationKey[] = [{ orderId: uuidv7(), operation: 'authorize' }];
      for (let i = 0; i < 10; i++) {
        expect(await claimOperationsByKey(db, 60_000, waiting.slice(0, 1))).toEqual([]);
        expect(await claimOperationsByKey(db, 60_000, waiting)).toEqual([]);
        expect((await completeOperationsReadingOrders(db, unknown)).size).toBe(1);
      }
      const { rows } = await sql<{ generic_plans: number; custom_plans: number }>`
        select generic_plans, custom_plans from pg_prepared_statements`.execute(db);
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row).toEqual({ generic_plans: 5, custom_plans: 5 });
      // The kept claim reaches rows by their key, never through the index of due rows (see
      // claimOperationsByKey): its plan, as kept, names no other index.
      const claim = await sql<{ name: string }>`
        select name from pg_prepared_statements
         where statement like '%claimed%' and cardinality(parameter_types) = 3`.execute(db);
      const [key] = waiting;
      const plan = await sql<{ 'QUERY PLAN': string }>`
        explain execute ${sql.raw(claim.rows[0]!.name)} (60000, ${sql.lit(key!.orderId)}, 'authorize')`.execute(
        db,
      );
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toContain('provider_operations_pkey');
      expect(text).not.toContain('provider_operations_due');
    } finally {
      await db.destroy();
    }
    // Nothing was claimed or completed.
    const left = await database.db
      .selectFrom('provider_operations')
      .select(['tries', 'done_at'])
      .execute();
    expect(left).toEqual([
      { tries: 0, done_at: null },
      { tries: 0, done_at: null },
    ]);
  });
});

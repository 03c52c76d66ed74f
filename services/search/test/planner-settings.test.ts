import { createDb } from '@bazaar/db';
import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { sql } from 'kysely';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';

describe('planner settings of the search database', () => {
  let database: TestDatabase<Database>;

  beforeAll(async () => {
    database = await createTestDatabase<Database>('search_planner_settings', migrations);
  });
  afterAll(() => database.drop());

  it('when a new session opens, then it plans for an in-memory index, per run, without parallel workers', async () => {
    const fresh = createDb<Database>(database.url, { poolSize: 1 });
    try {
      const show = async (name: string) =>
        (await sql<Record<string, string>>`${sql.raw(`show ${name}`)}`.execute(fresh)).rows[0][
          name
        ];
      expect(await show('random_page_cost')).toBe('1.1');
      expect(await show('max_parallel_workers_per_gather')).toBe('0');
      expect(await show('plan_cache_mode')).toBe('force_custom_plan');
    } finally {
      await fresh.destroy();
    }
  });
});

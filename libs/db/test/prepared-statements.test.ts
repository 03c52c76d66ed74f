import { sql, type Kysely } from 'kysely';
import { createDb } from '../src/index.js';
import { PLAN_EACH_TIME, StatementNames } from '../src/prepared-statements.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

interface Tables {
  gadget: { id: number; name: string };
}

const preparedNames = async (db: Kysely<Tables>) =>
  (
    await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(db)
  ).rows.map((r) => r.name);

describe('prepared statements', () => {
  let database: TestDatabase<Tables>;
  const opened: Kysely<Tables>[] = [];
  const open = (options: { preparedStatements?: boolean } = {}) => {
    const db = createDb<Tables>(database.url, { poolSize: 1, ...options });
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    database = await createTestDatabase('db_prepared');
    await sql`
      create table gadget (id integer primary key, name text not null);
      insert into gadget values (1, 'sprocket'), (2, 'widget');`.execute(database.db);
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.destroy()));
    await database.drop();
  });

  it('when a parameterized query runs, then it runs as a named statement, once prepared per connection', async () => {
    const db = open();
    const byId = (id: number) =>
      db.selectFrom('gadget').select('name').where('id', '=', id).executeTakeFirst();
    expect(await byId(1)).toEqual({ name: 'sprocket' });
    expect(await byId(2)).toEqual({ name: 'widget' });
    const names = await preparedNames(db);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^select_gadget_[0-9a-f]{12}$/);
    // Statements without parameters (transaction control, scripts) run as they are.
    await db.transaction().execute(async (trx) => {
      await sql`select 1; select 2`.execute(trx);
    });
    expect(await preparedNames(db)).toEqual(names);
  });

  it('when prepared statements are off, then nothing is prepared', async () => {
    const db = open({ preparedStatements: false });
    await db.selectFrom('gadget').select('name').where('id', '=', 1).execute();
    expect(await preparedNames(db)).toEqual([]);
  });

  it('when a table changes under a prepared select *, then one query fails and the next is prepared again', async () => {
    const db = open();
    const all = () =>
      db.selectFrom('gadget').selectAll().where('id', '>', 0).orderBy('id').execute();
    expect(await all()).toHaveLength(2);
    await sql`alter table gadget add column colour text`.execute(database.db);

    await expect(all()).rejects.toMatchObject({ code: '0A000' });
    expect(await all()).toEqual([
      { id: 1, name: 'sprocket', colour: null },
      { id: 2, name: 'widget', colour: null },
    ]);
  });

  it('when a statement is marked to be planned each time, then it never runs as a named statement', async () => {
    // A work queue's claim prepared while its table was empty keeps that generic plan (a nested
    // loop over every waiting row) until an analyze: quadratic in the backlog it should drain.
    const db = open();
    const claim = () =>
      sql<{
        name: string;
      }>`${sql.raw(PLAN_EACH_TIME)} select name from gadget where id = ${1}`.execute(db);
    for (let run = 0; run < 6; run += 1) {
      expect((await claim()).rows).toEqual([{ name: 'sprocket' }]);
    }
    expect(await preparedNames(db)).toEqual([]);
  });

  it('when a process has prepared as many texts as its limit, then further texts run unnamed', () => {
    const names = new StatementNames(2);
    const first = names.nameOf('select $1::int');
    expect(first).toMatch(/^select_/);
    expect(names.nameOf('select $1::int')).toBe(first);
    expect(names.nameOf('update t set a = $1')).toMatch(/^update_t_[0-9a-f]{12}$/);
    expect(names.nameOf('delete from t where a = $1')).toBeUndefined();
    expect(new StatementNames().nameOf('create table t (a int)')).toBeUndefined();
  });
});

import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createDb, watchCommits, WAKES_SETTING } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

interface Tables {
  jobs: { id: number };
  notes: { id: number };
}

const wakes = async (db: Kysely<Tables>) =>
  (
    await sql<{
      wakes: string | null;
    }>`select current_setting(${WAKES_SETTING}, true) as wakes`.execute(db)
  ).rows[0]!.wakes;

describe('commit watch', () => {
  let database: TestDatabase<Tables>;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    database = await createTestDatabase('db_commit_watch');
    await sql`
      create table jobs (id integer primary key);
      create table notes (id integer primary key);
      create function jobs_notify() returns trigger language plpgsql as $$
      begin
        if not coalesce('jobs' = any(string_to_array(current_setting('bazaar.wakes', true), ',')), false) then
          perform pg_notify('jobs', '');
        end if;
        return null;
      end $$;
      create trigger jobs_notify after insert on jobs for each statement execute function jobs_notify();`.execute(
      database.db,
    );
    db = createDb<Tables>(database.url, { poolSize: 2 });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  let nextId = 0;
  const id = () => ++nextId;

  it('when a transaction that inserted into the watched table commits, then the listener is called after the commit, once', async () => {
    const seen: number[] = [];
    const stop = watchCommits(db, 'jobs', () => seen.push(seen.length));
    try {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('jobs').values({ id: id() }).execute();
        await trx.insertInto('jobs').values({ id: id() }).execute();
        expect(seen).toEqual([]);
      });
      expect(seen).toEqual([0]);
    } finally {
      stop!();
    }
  });

  it('when the transaction rolls back, or inserts into another table only, then the listener is not called', async () => {
    let calls = 0;
    const stop = watchCommits(db, 'jobs', () => calls++);
    try {
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('jobs').values({ id: id() }).execute();
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await db
        .transaction()
        .execute((trx) => trx.insertInto('notes').values({ id: id() }).execute());
      await db.insertInto('notes').values({ id: id() }).execute();
      expect(calls).toBe(0);
    } finally {
      stop!();
    }
  });

  it('when a statement outside a transaction inserts, even inside a CTE, then the listener is called once it is done', async () => {
    let calls = 0;
    const stop = watchCommits(db, 'jobs', () => calls++);
    try {
      await db.insertInto('jobs').values({ id: id() }).execute();
      expect(calls).toBe(1);
      await sql`with note as (insert into notes (id) values (${id()}) returning id)
        insert into jobs (id) select id + 1000000 from note`.execute(db);
      expect(calls).toBe(2);
    } finally {
      stop!();
    }
  });

  it('when the same text runs again after the watched tables changed, then it is judged against the tables watched now', async () => {
    // The same compiled text each time: its table is remembered per text until the watched
    // tables change.
    const insertNote = () => db.insertInto('notes').values({ id: id() }).execute();
    const insertJob = () => db.insertInto('jobs').values({ id: id() }).execute();
    let jobs = 0;
    const stopJobs = watchCommits(db, 'jobs', () => jobs++);
    let notes = 0;
    try {
      await insertNote();
      await insertJob();
      expect(jobs).toBe(1);
      const stopNotes = watchCommits(db, 'notes', () => notes++);
      await insertNote();
      expect(notes).toBe(1);
      stopNotes!();
      await insertNote();
      await insertJob();
      expect([jobs, notes]).toEqual([2, 1]);
    } finally {
      stopJobs!();
    }
    await insertJob();
    expect(jobs).toBe(2);
  });

  it('when a transaction fails at commit, then the listener is not called', async () => {
    let calls = 0;
    const stop = watchCommits(db, 'jobs', () => calls++);
    try {
      const taken = id();
      await db.insertInto('jobs').values({ id: taken }).execute();
      calls = 0;
      // A failed statement aborts the transaction: kysely's COMMIT then answers ROLLBACK.
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('jobs').values({ id: id() }).execute();
          await trx
            .insertInto('jobs')
            .values({ id: taken })
            .execute()
            .catch(() => undefined);
        }),
      ).rejects.toThrow();
      expect(calls).toBe(0);
    } finally {
      stop!();
    }
  });

  it('while a table is watched, then the sessions name it in bazaar.wakes and its trigger skips NOTIFY; other sessions still notify', async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.channel));
    await listener.query('listen jobs');
    const other = createDb<Tables>(database.url, { poolSize: 1 });
    try {
      const stop = watchCommits(db, 'jobs', () => undefined);
      expect(await wakes(db)).toBe('jobs');
      await db.insertInto('jobs').values({ id: id() }).execute();
      await db
        .transaction()
        .execute((trx) => trx.insertInto('jobs').values({ id: id() }).execute());
      await other.insertInto('jobs').values({ id: id() }).execute();
      // Whatever was committed before reaches the listener by the end of its next query.
      await listener.query('select 1');
      expect(heard).toEqual(['jobs']);

      stop!();
      // No longer watched: the connection is told as it is handed out again.
      expect(await wakes(db)).toBe('');
      await db.insertInto('jobs').values({ id: id() }).execute();
      await listener.query('select 1');
      expect(heard).toEqual(['jobs', 'jobs']);
    } finally {
      await other.destroy();
      await listener.end();
    }
  });

  it('when the database was not made by createDb, then there is nothing to watch', () => {
    const plain = {} as Kysely<Tables>;
    expect(watchCommits(plain, 'jobs', () => undefined)).toBeUndefined();
  });

  it('when the table name is not a plain identifier, then watching it is refused', () => {
    expect(() => watchCommits(db, 'jobs; drop table jobs', () => undefined)).toThrow(
      'not a table name',
    );
  });
});

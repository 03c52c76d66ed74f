import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/*
 * Frozen in time like every migration: no imports of the library's code, names spelled out.
 * Dated before any service's own migrations, so a service lists them first.
 */

const outbox: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('outbox_events')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('position', 'bigserial', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('traceparent', 'text')
      .addColumn('tracestate', 'text')
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .defaultTo('pending')
          .check(sql`status in ('pending', 'sent', 'failed')`),
      )
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('available_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('sent_at', 'timestamptz')
      .execute();
    // The relay's claim query walks only pending rows, oldest first.
    await sql`create index outbox_events_pending on outbox_events (position) where status = 'pending'`.execute(
      db,
    );
    await sql`create index outbox_events_sent_at on outbox_events (sent_at) where status = 'sent'`.execute(
      db,
    );
    // One notification per inserting statement, delivered when its transaction commits (and
    // folded into one per transaction by Postgres): the relay wakes only for committed rows.
    await sql`
      create function outbox_events_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('bazaar_outbox', '');
        return null;
      end $$`.execute(db);
    await sql`
      create trigger outbox_events_notify after insert on outbox_events
      for each statement execute function outbox_events_notify()`.execute(db);
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async down(db: Kysely<any>) {
    await db.schema.dropTable('outbox_events').execute();
    await sql`drop function if exists outbox_events_notify()`.execute(db);
  },
};

const inbox: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('inbox_messages')
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('message_id', 'uuid', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('inbox_messages_pkey', ['queue', 'message_id'])
      .execute();
    await db.schema
      .createIndex('inbox_messages_processed_at')
      .on('inbox_messages')
      .column('processed_at')
      .execute();
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async down(db: Kysely<any>) {
    await db.schema.dropTable('inbox_messages').execute();
  },
};

const unrouted: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async up(db: Kysely<any>) {
    // An event no queue is bound to is kept as 'unrouted' (for the retention, like sent rows)
    // instead of staying pending and being published again and again.
    await sql`alter table outbox_events drop constraint outbox_events_status_check`.execute(db);
    await sql`
      alter table outbox_events add constraint outbox_events_status_check
      check (status in ('pending', 'sent', 'unrouted', 'failed'))`.execute(db);
    await sql`drop index outbox_events_sent_at`.execute(db);
    await sql`
      create index outbox_events_sent_at on outbox_events (sent_at)
      where status in ('sent', 'unrouted')`.execute(db);
    await sql`
      update outbox_events set status = 'unrouted', sent_at = now()
      where status = 'pending' and last_error like 'unroutable%'`.execute(db);
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async down(db: Kysely<any>) {
    await sql`update outbox_events set status = 'pending' where status = 'unrouted'`.execute(db);
    await sql`alter table outbox_events drop constraint outbox_events_status_check`.execute(db);
    await sql`
      alter table outbox_events add constraint outbox_events_status_check
      check (status in ('pending', 'sent', 'failed'))`.execute(db);
    await sql`drop index outbox_events_sent_at`.execute(db);
    await sql`create index outbox_events_sent_at on outbox_events (sent_at) where status = 'sent'`.execute(
      db,
    );
  },
};

const positionNotUnique: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async up(db: Kysely<any>) {
    // `position` comes from its sequence alone, and the relay reads it through
    // `outbox_events_pending`: the unique index was never read, only written at every event
    // (one more index entry and WAL record per row). Dropping it is safe under a rolling
    // update: no statement of any version names it.
    await sql`alter table outbox_events drop constraint outbox_events_position_key`.execute(db);
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async down(db: Kysely<any>) {
    await sql`alter table outbox_events add constraint outbox_events_position_key unique (position)`.execute(
      db,
    );
  },
};

const outboxFillfactor: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async up(db: Kysely<any>) {
    // Every event is written three times: inserted, leased by the relay (`available_at`,
    // `attempts`: no index holds them) and marked sent. A page the inserts filled has no room
    // for the lease, which then goes to another page with a new entry in every index; with
    // half of each page left free the lease stays on its page (a HOT update, no index entry).
    // Applies to rows inserted from now on; the outbox is pruned, so soon to all of it.
    await sql`alter table outbox_events set (fillfactor = 50)`.execute(db);
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async down(db: Kysely<any>) {
    await sql`alter table outbox_events reset (fillfactor)`.execute(db);
  },
};

const outboxNotifyOthers: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async up(db: Kysely<any>) {
    // A session whose process wakes its own relay after commit (`bazaar.wakes` names the
    // table: `watchCommits` of @bazaar/db) needs no notification, and a NOTIFY costs a global
    // lock at commit and a signal to every listener. Any other writer still notifies.
    await sql`
      create or replace function outbox_events_notify() returns trigger language plpgsql as $$
      begin
        if not coalesce('outbox_events' = any(string_to_array(current_setting('bazaar.wakes', true), ',')), false) then
          perform pg_notify('bazaar_outbox', '');
        end if;
        return null;
      end $$`.execute(db);
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async down(db: Kysely<any>) {
    await sql`
      create or replace function outbox_events_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('bazaar_outbox', '');
        return null;
      end $$`.execute(db);
  },
};

/** queueAutovacuum's tables, frozen with it (a later table gets a migration of its own). */
const QUEUE_TABLES = ['outbox_events', 'inbox_messages'];

const queueAutovacuum: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async up(db: Kysely<any>) {
    // Queue-like tables: every outbox row is updated twice and pruned, every inbox row pruned.
    // By default autovacuum waits for a fifth of a table to be dead, so the bigger the table
    // (a day of events), the longer the relay's claim walks dead entries of its pending index.
    // A fixed count instead: such a table is vacuumed at each autovacuum round (a minute) while
    // busy, each time a small vacuum. Setting it takes a SHARE UPDATE EXCLUSIVE lock: reads
    // and writes go on while it runs.
    for (const table of QUEUE_TABLES) {
      await sql`alter table ${sql.table(table)} set (
                  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000)`.execute(
        db,
      );
    }
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take any schema
  async down(db: Kysely<any>) {
    for (const table of QUEUE_TABLES) {
      await sql`alter table ${sql.table(table)} reset (
                  autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)`.execute(db);
    }
  },
};

/**
 * The outbox and inbox tables; spread them first into a service's migrations:
 * `{ ...messagingMigrations, '2026-11-22-01-products': { up } }`.
 */
export const messagingMigrations: Record<string, Migration> = {
  '2026-11-01-01-messaging-outbox': outbox,
  '2026-11-01-02-messaging-inbox': inbox,
  // After every service's own first migrations, so databases that ran those stay in order.
  '2026-11-24-01-messaging-unrouted': unrouted,
  '2026-12-06-09-messaging-outbox-position-not-unique': positionNotUnique,
  '2026-12-06-10-messaging-outbox-fillfactor': outboxFillfactor,
  '2026-12-06-11-messaging-outbox-notify-others': outboxNotifyOthers,
  // After every service's own migrations of 2026-12-06.
  '2026-12-07-01-messaging-queue-autovacuum': queueAutovacuum,
};

import pg from 'pg';

export const BENCH_ITEMS = 10_000;
/** The ceilings' scratch database, under the prefix a second copy of the system runs with. */
export const BENCH_DATABASE = `${process.env.BAZAAR_DATABASE_PREFIX ?? 'bazaar_'}bench`;

/** A scratch database for the ceilings: items to read by key, orders and an outbox to write. */
export async function prepareCeilingDatabase(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [
    BENCH_DATABASE,
  ]);
  if (!exists.rowCount) await admin.query(`create database ${BENCH_DATABASE}`);
  await admin.end();

  const url = `${serverUrl}/${BENCH_DATABASE}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`
    create table if not exists bench_item (id integer primary key, name text not null, price integer not null);
    create table if not exists bench_order (id uuid primary key, item_id integer not null, quantity integer not null, total integer not null, created_at timestamptz not null default now());
    create table if not exists bench_outbox (id uuid primary key, payload jsonb not null, created_at timestamptz not null default now());
    truncate bench_order, bench_outbox;
    insert into bench_item (id, name, price)
      select i, 'item ' || i, 100 + (i % 900) from generate_series(1, ${BENCH_ITEMS}) as i
      on conflict (id) do nothing;
  `);
  await client.end();
  return url;
}

/** The bare saga's tables: a schema per process, each with its outbox and inbox, emptied. */
export async function prepareSagaSchemas(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const messaging = (schema: string) => `
    create schema if not exists ${schema};
    create table if not exists ${schema}.outbox (id uuid primary key, routing_key text not null, payload jsonb not null, created_at timestamptz not null default now(), sent_at timestamptz);
    create index if not exists outbox_unsent on ${schema}.outbox (id) where sent_at is null;
    create table if not exists ${schema}.inbox (id uuid primary key, received_at timestamptz not null default now());
    truncate ${schema}.outbox, ${schema}.inbox;
  `;
  await client.query(`
    ${messaging('saga_orders')}
    create table if not exists saga_orders.orders (id uuid primary key, item_id integer not null, quantity integer not null, total integer not null, status text not null, created_at timestamptz not null default clock_timestamp(), confirmed_at timestamptz);
    truncate saga_orders.orders;
    ${messaging('saga_catalog')}
    create table if not exists saga_catalog.stock (item_id integer primary key, price integer not null, available integer not null);
    truncate saga_catalog.stock;
    insert into saga_catalog.stock (item_id, price, available)
      select i, 100 + (i % 900), 1000000000 from generate_series(1, ${BENCH_ITEMS}) as i;
    ${messaging('saga_payments')}
    create table if not exists saga_payments.payments (id uuid primary key, order_id uuid not null unique, amount integer not null, created_at timestamptz not null default now());
    truncate saga_payments.payments;
  `);
  await client.query('vacuum analyze saga_catalog.stock');
  await client.end();
}

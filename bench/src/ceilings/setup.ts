import pg from 'pg';

export const BENCH_ITEMS = 10_000;

/** A scratch database for the ceilings: items to read by key, orders and an outbox to write. */
export async function prepareCeilingDatabase(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  const exists = await admin.query(`select 1 from pg_database where datname = 'bazaar_bench'`);
  if (!exists.rowCount) await admin.query('create database bazaar_bench');
  await admin.end();

  const url = `${serverUrl}/bazaar_bench`;
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

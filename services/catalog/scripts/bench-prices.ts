// Benchmark (not a test): price lookups per second for a 10-id batch (`POST /internal/prices`)
// next to a bare Fastify + pg route reading one row by primary key, on this machine.
//   pnpm --filter @bazaar/catalog bench:prices [-- --seconds 5 --rounds 3 --connections 10]
// The parent process prepares a throwaway database and drives autocannon; the servers run in a
// child process, so the load generator does not share their event loop.
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { commandLine, wholeNumber } from '@bazaar/cli';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '@bazaar/db';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadServiceConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { seedCatalog } from '../src/seed/seed-catalog.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function serve(databaseUrl: string): Promise<void> {
  // The catalog app as it runs in production, minus telemetry and per-request info logs.
  const config = loadServiceConfig({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  const db = createDb<Database>(databaseUrl, { poolSize: config.DATABASE_POOL_SIZE });
  const catalog = await buildApp(config, { db });
  await catalog.listen({ port: 0, host: '127.0.0.1' });

  // The ceiling: Fastify and pg with nothing else, a named (prepared) primary-key statement.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const bare = Fastify();
  bare.get<{ Params: { id: string } }>('/products/:id', async (request) => {
    const { rows } = await pool.query({
      name: 'product-by-id',
      text: 'select id, price_amount, price_currency from products where id = $1',
      values: [request.params.id],
    });
    return rows[0];
  });
  // The same 10-id query as the catalog's, on the bare stack: what the framework layers cost.
  bare.post<{ Body: { productIds: string[] } }>('/prices', async (request) => {
    const { rows } = await pool.query({
      name: 'prices',
      text: `select p.id as "productId", p.sku, p.name, p.price_amount as amount,
                    p.price_currency as currency, coalesce(s.available, 0) as available
               from products p left join stock s on s.product_id = p.id
              where p.id = any($1::uuid[])`,
      values: [request.body.productIds],
    });
    return { items: rows };
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const port = (app: { server: { address(): unknown } }) =>
    (app.server.address() as { port: number }).port;
  process.send!({ catalog: port(catalog), bare: port(bare) });
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) =>
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

async function main(): Promise<void> {
  const { seconds, connections, rounds } = commandLine(
    {
      name: 'bench:prices',
      command: 'pnpm --filter @bazaar/catalog bench:prices --',
      summary:
        'Price lookups per second for a 10-id batch next to a bare Fastify + pg route, in a ' +
        'throwaway database of the local Postgres.',
      options: {
        seconds: { type: 'string', value: 'S', default: '5', description: 'seconds per round' },
        connections: {
          type: 'string',
          value: 'N',
          default: '10',
          description: 'concurrent connections',
        },
        rounds: { type: 'string', value: 'N', default: '3', description: 'rounds per server' },
      },
    },
    ({ values }) => ({
      seconds: wholeNumber('--seconds', values.seconds, { min: 1 })!,
      connections: wholeNumber('--connections', values.connections, { min: 1 })!,
      rounds: wholeNumber('--rounds', values.rounds, { min: 1 })!,
    }),
  );
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/bazaar_bench_catalog_${process.pid}`;
  await ensureDatabase(databaseUrl);
  let child: ChildProcess | undefined;
  try {
    const db = createDb<Database>(databaseUrl, { poolSize: 2 });
    await migrateToLatest(db, migrations);
    await seedCatalog(db, { seed: 1, products: 1000, events: false });
    const ids = (await db.selectFrom('products').select('id').execute()).map((r) => r.id);
    await db.destroy();

    child = fork(fileURLToPath(import.meta.url), ['--serve', databaseUrl], { stdio: 'inherit' });
    const ports = await new Promise<{ catalog: number; bare: number }>((resolve) =>
      child!.once('message', (m) => resolve(m as { catalog: number; bare: number })),
    );
    let n = 0;
    const batch = () => Array.from({ length: 10 }, () => ids[n++ % ids.length]);
    const scenarios: [string, autocannon.Options][] = [
      [
        'bare Fastify + pg, 1 row by primary key',
        {
          url: `http://127.0.0.1:${ports.bare}`,
          requests: [
            { setupRequest: (r) => ({ ...r, path: `/products/${ids[n++ % ids.length]}` }) },
          ],
        },
      ],
      [
        'bare Fastify + pg, same 10-id query',
        {
          url: `http://127.0.0.1:${ports.bare}/prices`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: [
            { setupRequest: (r) => ({ ...r, body: JSON.stringify({ productIds: batch() }) }) },
          ],
        },
      ],
      [
        'catalog POST /internal/prices, 10 ids',
        {
          url: `http://127.0.0.1:${ports.catalog}/internal/prices`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: [
            { setupRequest: (r) => ({ ...r, body: JSON.stringify({ productIds: batch() }) }) },
          ],
        },
      ],
    ];
    out(`${rounds} rounds of ${seconds} s per scenario (interleaved), ${connections} connections`);
    out(
      `node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const results = new Map<string, autocannon.Result[]>();
    for (let round = 0; round < rounds; round++) {
      // Interleaved rounds, so a burst of load from elsewhere on the machine hits every
      // scenario alike; the median round is reported.
      for (const [name, options] of scenarios) {
        await run({ ...options, duration: 1, connections }); // warm-up
        const result = await run({ ...options, duration: seconds, connections });
        results.set(name, [...(results.get(name) ?? []), result]);
      }
    }
    for (const [name, runs] of results) {
      const sorted = [...runs].sort((a, b) => a.requests.average - b.requests.average);
      const median = sorted[Math.floor(sorted.length / 2)];
      const all = runs.map((r) => Math.round(r.requests.average)).join('/');
      out(
        `${name.padEnd(42)} ${Math.round(median.requests.average).toString().padStart(6)} req/s` +
          ` (rounds ${all})  p50 ${median.latency.p50} ms  p99 ${median.latency.p99} ms` +
          `  non-2xx ${runs.reduce((n, r) => n + r.non2xx, 0)}`,
      );
    }
  } finally {
    child?.kill();
    await dropDatabase(databaseUrl);
  }
}

if (process.argv[2] === '--serve') await serve(process.argv[3]);
else await main();

// Query latency of GET /v1/search over real HTTP against a scratch database filled by
// `pnpm bench:generate`: each query shape alone (p50/p95/p99, one request at a time), then a
// mix from several concurrent clients. No telemetry is loaded (add --import to measure it).
//   pnpm bench:queries [--runs=200] [--clients=8] [--seconds=15] [--database-url=...]
import { performance } from 'node:perf_hooks';
import { commandLine, wholeNumber } from '@bazaar/cli';
import { createDb } from '@bazaar/db';
import { buildApp } from '../src/app.js';
import { loadServiceConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { benchCatalog, DEFAULT_BENCH_DATABASE, quantile } from './bench-catalog.js';

const { url, runs, clients, seconds } = commandLine(
  {
    name: 'bench:queries',
    command: 'pnpm --filter @bazaar/search bench:queries --',
    summary: 'Query latency of GET /v1/search over HTTP against the bench:generate database.',
    options: {
      runs: { type: 'string', value: 'N', default: '200', description: 'requests per query shape' },
      clients: {
        type: 'string',
        value: 'N',
        default: '8',
        description: 'concurrent clients in the mix',
      },
      seconds: { type: 'string', value: 'S', default: '15', description: 'how long the mix runs' },
      'database-url': {
        type: 'string',
        value: 'URL',
        default: DEFAULT_BENCH_DATABASE,
        description: 'the scratch search database',
      },
    },
  },
  ({ values }) => ({
    url: values['database-url'],
    runs: wholeNumber('--runs', values.runs, { min: 1 })!,
    clients: wholeNumber('--clients', values.clients, { min: 1 })!,
    seconds: wholeNumber('--seconds', values.seconds, { min: 1 })!,
  }),
);

const db = createDb<Database>(url, { poolSize: 10 });
const config = loadServiceConfig({ DATABASE_URL: url, NODE_ENV: 'test', LOG_LEVEL: 'warn' });
const app = await buildApp(config, { db });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const { count } = await db
  .selectFrom('search_documents')
  .select((eb) => eb.fn.countAll<number>().as('count'))
  .where('deleted', '=', false)
  .executeTakeFirstOrThrow();

// Category ids are minted per generation: read one back from the index.
const outdoor = await db
  .selectFrom('search_documents')
  .select('category_id')
  .where('category_name', '=', 'Outdoor')
  .executeTakeFirstOrThrow();
const sample = benchCatalog().product(7);
const noun = sample.name.split(' ')[3];

type Query = Record<string, string | number | boolean>;

async function get(query: Query) {
  const params = new URLSearchParams(
    Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
  );
  const response = await fetch(`${base}/v1/search?${params.toString()}`);
  const body = (await response.json()) as { total: number; nextCursor: string | null };
  if (response.status !== 200) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  return body;
}

// The fifth page of a broad query, by following cursors once.
let cursor: string | null = null;
for (let page = 0; page < 4; page++) {
  const query: Query = cursor ? { q: 'lamp', limit: 20, cursor } : { q: 'lamp', limit: 20 };
  cursor = (await get(query)).nextCursor;
}

const shapes: [string, Query][] = [
  ['one common word ("lamp")', { q: 'lamp' }],
  ['two words ("wireless headphones")', { q: 'wireless headphones' }],
  ['prefix while typing ("kett")', { q: 'kett' }],
  [`brand and noun ("${sample.brand} ${noun}")`, { q: `${sample.brand} ${noun}` }],
  ['typo, few exact hits ("headphnes")', { q: 'headphnes ' }],
  ['nothing like it ("xylophone")', { q: 'xylophone ' }],
  ['no text, newest', { sort: 'newest' }],
  [
    'category subtree + price + in stock, price_asc',
    {
      category: outdoor.category_id!,
      minPrice: 1000,
      maxPrice: 10000,
      inStock: true,
      sort: 'price_asc',
    },
  ],
  ['text + brand filter', { q: 'lamp', brand: sample.brand }],
  ['5th page of "lamp" (cursor)', { q: 'lamp', limit: 20, cursor: cursor! }],
];

const ms = (value: number) => value.toFixed(1);
process.stdout.write(`search over ${count} products, ${runs} sequential requests per query\n\n`);
process.stdout.write(
  '| query | total hits | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|\n',
);
for (const [name, query] of shapes) {
  for (let i = 0; i < 20; i++) await get(query);
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    total = (await get(query)).total;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(
    `| ${name} | ${total} | ${ms(quantile(times, 0.5))} | ${ms(quantile(times, 0.95))} | ${ms(quantile(times, 0.99))} |\n`,
  );
}

const mixed: number[] = [];
const deadline = performance.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: clients }, async (_, client) => {
    for (let i = client; performance.now() < deadline; i++) {
      const start = performance.now();
      await get(shapes[i % shapes.length][1]);
      mixed.push(performance.now() - start);
    }
  }),
);
mixed.sort((a, b) => a - b);
process.stdout.write(
  `\nmix of all shapes, ${clients} concurrent clients, ${seconds} s: ${Math.round(mixed.length / seconds)} requests/s, ` +
    `p50 ${ms(quantile(mixed, 0.5))} ms, p99 ${ms(quantile(mixed, 0.99))} ms\n`,
);
await app.close();
await db.destroy();

// Index freshness under a stream of product updates: this script plays catalog (each update
// written to an outbox in its own transaction, published by the messaging relay with confirms)
// while the real search consumer indexes them from RabbitMQ. Freshness per update is exact:
// the row's `indexed_at` minus the product's `updatedAt` (stamped when the update was made);
// and, for two replicas' in-memory indexes following the table (LISTEN and poll), from the
// update to its being searchable in both.
//   pnpm bench:freshness [--rates=50,200,500] [--seconds=15] [--database-url=...]
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { commandLine, wholeNumber } from '@bazaar/cli';
import { createDb, migrateToLatest } from '@bazaar/db';
import { createMessaging, writeEvent } from '@bazaar/messaging';
import { deleteNamespace } from '@bazaar/messaging/testing';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import type { Database, SearchDocumentRow } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import type { ProductDocument } from '../src/domain/product-document.js';
import { PRODUCTS_QUEUE, subscribe } from '../src/events/subscriptions.js';
import { createSearchMetrics } from '../src/metrics.js';
import { IndexFollower } from '../src/sync/index-follower.js';
import { DEFAULT_BENCH_DATABASE, quantile } from './bench-catalog.js';

const { url, amqpUrl, rates, seconds } = commandLine(
  {
    name: 'bench:freshness',
    command: 'pnpm --filter @bazaar/search bench:freshness --',
    summary: 'Index freshness under a stream of product updates through RabbitMQ.',
    options: {
      rates: {
        type: 'string',
        value: 'LIST',
        default: '50,200,500',
        description: 'updates per second, one run each',
      },
      seconds: {
        type: 'string',
        value: 'S',
        default: '15',
        description: 'how long each rate runs',
      },
      'amqp-url': {
        type: 'string',
        value: 'URL',
        default: 'amqp://guest:guest@127.0.0.1:5672',
        description: 'RabbitMQ',
      },
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
    amqpUrl: values['amqp-url'],
    rates: values.rates.split(',').map((rate) => wholeNumber('--rates', rate, { min: 1 })!),
    seconds: wholeNumber('--seconds', values.seconds, { min: 1 })!,
  }),
);
const namespace = `bench.freshness.${randomBytes(3).toString('hex')}.`;

const db = createDb<Database>(url, { poolSize: 20 });
await migrateToLatest(db, migrations);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const registry = new Registry();
const consumer = createMessaging({
  url: amqpUrl,
  service: 'search',
  db,
  namespace,
  relay: false,
  metrics: registry,
  logger: quiet,
});
subscribe(consumer, { metrics: createSearchMetrics(registry), logger: quiet });
const producer = createMessaging({
  url: amqpUrl,
  service: 'catalog',
  db,
  databaseUrl: url,
  namespace,
  logger: quiet,
});
await consumer.start();
await producer.start();

// Two replicas' indexes: when each applied each update (by product id and version).
const applied = [new Map<string, number>(), new Map<string, number>()];
const replicas = applied.map(
  (seen) =>
    new IndexFollower({
      db,
      listenUrl: url,
      logger: quiet,
      onApplied: (change) => {
        if (change.kind === 'upsert') {
          seen.set(`${change.product.id}@${change.product.version}`, Date.now());
        }
      },
    }),
);
const buildStarted = performance.now();
await Promise.all(replicas.map((replica) => replica.start()));
process.stdout.write(
  `two replicas built in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s ` +
    `(${replicas[0].index.size} products each)\n`,
);
const sentAt = new Map<string, number>();

function toDocument(row: SearchDocumentRow): ProductDocument {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    brand: row.brand,
    category:
      row.category_id === null
        ? null
        : {
            id: row.category_id,
            name: row.category_name ?? '',
            ancestorIds: row.category_path.slice(0, -1),
          },
    price: { amount: row.price_amount, currency: row.price_currency },
    stock: { available: row.stock_available },
    attributes: row.attributes,
    createdAt: new Date(row.created_at!).toISOString(),
    updatedAt: new Date(row.updated_at!).toISOString(),
    version: row.version,
  };
}

const needed = rates.reduce((sum, rate) => sum + rate * seconds, 0);
const docs = (
  await db
    .selectFrom('search_documents')
    .selectAll()
    .where('deleted', '=', false)
    .orderBy(sql`random()`)
    .limit(needed)
    .execute()
).map(toDocument);

const ms = (value: number) => `${(value * 1000).toFixed(0)} ms`;
process.stdout.write(`freshness over ${docs.length} distinct products, ${seconds} s per rate\n\n`);
process.stdout.write(
  '| updates/s asked | sent/s | indexed p50 | p95 | p99 | max | of which relay p50 / p99 | ' +
    'searchable in both replicas p50 / p99 |\n' +
    '|---:|---:|---:|---:|---:|---:|---:|---:|\n',
);
let next = 0;
for (const rate of rates) {
  const phaseStart = new Date();
  const started = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (sent < due && inFlight.size < 16) {
      const doc = docs[next++];
      sent += 1;
      const update: ProductDocument = {
        ...doc,
        price: { ...doc.price, amount: doc.price.amount + 1 },
        updatedAt: new Date().toISOString(),
        version: doc.version + 1,
      };
      sentAt.set(`${update.id}@${update.version}`, Date.parse(update.updatedAt));
      const write = db
        .transaction()
        .execute(async (trx) => {
          await writeEvent(trx, { type: 'product.updated', data: { product: update } });
        })
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  const deadline = Date.now() + 120_000;
  let rows: { seconds: number }[] = [];
  for (;;) {
    rows = (
      await sql<{ seconds: number }>`
        select extract(epoch from indexed_at - updated_at)::float8 as seconds
        from search_documents where updated_at >= ${phaseStart}`.execute(db)
    ).rows;
    if (rows.length >= sent || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const lags = rows.map((row) => row.seconds).sort((a, b) => a - b);
  // The catalog side of the lag: from the change to its publication (confirmed by the broker).
  const relay = (
    await sql<{ seconds: number }>`
      select extract(epoch from sent_at - occurred_at)::float8 as seconds
      from outbox_events where occurred_at >= ${phaseStart} and sent_at is not null`.execute(db)
  ).rows
    .map((row) => row.seconds)
    .sort((a, b) => a - b);
  await Promise.all(replicas.map((replica) => replica.catchUp()));
  const visible = [...sentAt]
    .map(([key, at]) => Math.max(...applied.map((seen) => (seen.get(key) ?? Infinity) - at)) / 1000)
    .sort((a, b) => a - b);
  sentAt.clear();
  process.stdout.write(
    `| ${rate} | ${Math.round(sent / elapsed)} | ${ms(quantile(lags, 0.5))} | ${ms(quantile(lags, 0.95))} | ` +
      `${ms(quantile(lags, 0.99))} | ${ms(lags.at(-1) ?? Number.NaN)} | ` +
      `${ms(quantile(relay, 0.5))} / ${ms(quantile(relay, 0.99))} | ` +
      `${ms(quantile(visible, 0.5))} / ${ms(quantile(visible, 0.99))} |${rows.length < sent ? ` (${sent - rows.length} not indexed in time)` : ''}\n`,
  );
}

await Promise.all(replicas.map((replica) => replica.stop()));
await producer.stop();
await consumer.stop();
await deleteNamespace({ url: amqpUrl, namespace, queues: [PRODUCTS_QUEUE] });
await db.destroy();

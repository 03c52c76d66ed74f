// The in-memory engine alone, over a scratch database filled by `pnpm bench:generate`: how
// long a replica takes to read its snapshot and build, what the index costs in memory per
// product, the search handler's own latency and CPU per query (every request unique), and
// typo quality (one edit in a name word, transpositions included: intended product in top 3).
//   pnpm bench:engine [--runs=2000] [--database-url=...]
import { performance } from 'node:perf_hooks';
import { commandLine, wholeNumber } from '@bazaar/cli';
import { createDb } from '@bazaar/db';
import { readSnapshot } from '../src/db/changes-repository.js';
import type { Database } from '../src/db/database.js';
import { search } from '../src/domain/search.js';
import type { SearchRequest } from '../src/domain/search-request.js';
import { SearchIndex } from '../src/engine/search-index.js';
import { oneEdit } from '../test/fixtures/differential-catalog.js';
import { benchCatalog, DEFAULT_BENCH_DATABASE, quantile, random } from './bench-catalog.js';

const { url, runs } = commandLine(
  {
    name: 'bench:engine',
    command: 'pnpm --filter @bazaar/search bench:engine --',
    summary: 'Build time, memory, handler CPU and typo quality of the in-memory index.',
    options: {
      runs: { type: 'string', value: 'N', default: '2000', description: 'requests per shape' },
      'database-url': {
        type: 'string',
        value: 'URL',
        default: DEFAULT_BENCH_DATABASE,
        description: 'the scratch search database (bench:generate)',
      },
    },
  },
  ({ values }) => ({
    url: values['database-url'],
    runs: wholeNumber('--runs', values.runs, { min: 1 })!,
  }),
);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const out = (line: string) => process.stdout.write(`${line}\n`);

const db = createDb<Database>(url, { poolSize: 2 });
gc();
const before = process.memoryUsage();
const started = performance.now();
// As a replica starts: each page of the snapshot indexed while Postgres reads the next.
const index = new SearchIndex();
const builder = index.builder();
let building = 0;
await readSnapshot(db, (page) => {
  const start = performance.now();
  builder.add(page);
  building += performance.now() - start;
});
const read = performance.now();
builder.finish();
const built = performance.now();
const products = index.size;
gc();
const after = process.memoryUsage();
out(`products: ${products}`);
out(
  `ready in ${((built - started) / 1000).toFixed(2)} s (snapshot read and build streamed; ` +
    `${((building + built - read) / 1000).toFixed(2)} s of it indexing)`,
);
out(
  `memory: RSS ${mb(after.rss)} MB (index ${mb(after.rss - before.rss)} MB RSS, ` +
    `${mb(after.heapUsed - before.heapUsed)} MB heap, ` +
    `${Math.round((after.rss - before.rss) / products)} B RSS per product)`,
);

const catalog = benchCatalog();
const sample = Array.from({ length: 200 }, (_, i) => catalog.product(i * 37));
const words = [...new Set(sample.flatMap((p) => p.name.toLowerCase().split(/[^a-z]+/)))].filter(
  (w) => w.length >= 4,
);
const r = random(5);
const pick = <T>(items: T[]) => items[Math.floor(r() * items.length)];
const shapes: [string, () => SearchRequest][] = [
  ['one word', () => ({ q: `${pick(words)} `, sort: 'relevance', limit: 20 })],
  ['two words', () => ({ q: `${pick(words)} ${pick(words)}`, sort: 'relevance', limit: 20 })],
  ['3-letter prefix', () => ({ q: pick(words).slice(0, 3), sort: 'relevance', limit: 20 })],
  ['typo', () => ({ q: `${oneEdit(pick(words), r)} `, sort: 'relevance', limit: 20 })],
  ['no text, newest', () => ({ sort: 'newest', limit: 20 })],
  [
    'word + price range, price_asc',
    () => ({ q: pick(words), minPrice: 1000, maxPrice: 20000, sort: 'price_asc', limit: 20 }),
  ],
];
out(
  '\n| query (every request unique) | p50 ms | p99 ms | CPU ms per query |\n|---|---:|---:|---:|',
);
for (const [name, make] of shapes) {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i += 1) {
    // A price bound no product reaches keeps every request unique.
    const request = { ...make(), maxPrice: 1_000_000_000 + i };
    const start = performance.now();
    search(index, request);
    times.push(performance.now() - start);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  out(
    `| ${name} | ${quantile(times, 0.5).toFixed(2)} | ${quantile(times, 0.99).toFixed(2)} | ` +
      `${((used.user + used.system) / 1000 / runs).toFixed(3)} |`,
  );
}

// Typo quality: brand, adjective and colour as typed, the noun with one edit (a fixed set).
const edits = random(11);
let top3 = 0;
let cases = 0;
for (const doc of sample) {
  const parts = doc.name.split(' ');
  const noun = parts[3].toLowerCase();
  if (noun.length < 4) continue;
  cases += 1;
  const q = `${parts[0]} ${parts[1]} ${parts[2]} ${oneEdit(noun, edits)} `;
  const { items } = search(index, { q, sort: 'relevance', limit: 3 });
  // Ids are minted per generation: the intended product is the one with its SKU.
  if (items.some((item) => item.sku === doc.sku)) top3 += 1;
}
out(`\ntypo quality: ${top3} of ${cases} (${((100 * top3) / cases).toFixed(1)} %) in the top 3`);
await db.destroy();

import type { Request } from 'autocannon';
import { runLoad, type LoadFigures } from '../load.js';
import { runPaced } from '../paced-load.js';
import type { Storefront } from '../storefront.js';
import type { SearchCatalog } from './search-catalog.js';
import { quantileBetween, scrapeHistogram, type Quantile } from './search-engine.js';

export interface SearchFigures {
  /** Products search held during the run. */
  catalogSize: number;
  /** How the catalog got there in this run (seeded now, or found seeded). */
  catalog: SearchCatalog | null;
  queries: number;
  /** As fast as it goes at the given connections. */
  saturated: LoadFigures;
  /**
   * At a fixed 200 requests per second: the latency a shopper sees at that load (the mix as
   * it repeats; nothing caches it, see {@link uncached}).
   */
  at200: LoadFigures;
  /**
   * The same two with every request made unique (see {@link uncached}), so no cache of search
   * or in front of it answers: what each search costs when it is counted afresh.
   */
  uncachedSaturated: LoadFigures;
  uncachedAt200: LoadFigures;
  /**
   * Search's own time (every replica's histograms) during the uncached run at 200 req/s, in
   * ms: `handler` from the request routed to its reply written (`search_request_seconds`),
   * `engine` the index's share of it (`search_query_seconds`). Interpolated within 0.25 ms
   * buckets; null when nothing was observed.
   */
  handlerUncachedAt200: Record<'handler' | 'engine', Record<'p50' | 'p99', Quantile | null>>;
  /** The names the queries were built from (a fixed sample of the seed catalog). */
  names: string[];
}

/** One letter swapped with its neighbour: the typo a shopper makes. */
export function typo(word: string): string {
  if (word.length < 4) return word;
  const i = 1 + Math.floor(word.length / 2) - 1;
  return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

const q = (text: string) => `q=${encodeURIComponent(text)}`;

/**
 * Realistic queries built from the catalog itself: words of product names as typed, prefixes
 * (search as you type), typos, two words, price ranges sorted by price, brand and category
 * filters, category pages without text, and the no-text browse of everything.
 */
export function buildQueries(names: string[], brands: string[], categories: string[] = []) {
  const split = (name: string) =>
    name
      .toLowerCase()
      .split(/[^\p{L}]+/u)
      .filter((w) => w.length >= 4);
  const words = [...new Set(names.flatMap(split))];
  const queries: string[] = [];
  for (const [i, word] of words.slice(0, 40).entries()) {
    queries.push(q(word), q(word.slice(0, 3)), q(typo(word)));
    if (i % 3 === 0) queries.push(`${q(word)}&minPrice=1000&maxPrice=20000&sort=price_asc`);
    if (i % 4 === 0 && brands.length)
      queries.push(`${q(word)}&brand=${encodeURIComponent(brands[i % brands.length])}`);
    if (i % 4 === 1 && categories.length)
      queries.push(`${q(word)}&category=${categories[i % categories.length]}`);
  }
  // Two words of one name, the second one still being typed ("edge ultrab").
  for (const name of names.slice(0, 10)) {
    const [first, second] = split(name).slice(-2);
    if (first && second) queries.push(q(`${first} ${second.slice(0, 5)}`));
  }
  // Category pages: no text, a price sort, now and then only what is in stock.
  for (const [i, category] of categories.entries()) {
    queries.push(`category=${category}&sort=${i % 2 ? 'price_desc' : 'price_asc'}`);
    if (i % 3 === 0) queries.push(`category=${category}&inStock=true`);
  }
  queries.push('q=&sort=newest', 'q=&inStock=true&sort=price_asc');
  return queries;
}

/**
 * The `n`th request of a query, made unique without changing what it costs: a price bound no
 * product reaches (10 million euros) when it has none, or its upper bound raised by up to 9.99 €
 * when it has one, so no cache could answer it. Today none would: the in-memory engine keeps
 * no per-query cache (the Postgres path's facet cache went with it) and search's replies carry
 * no `Cache-Control`, so the storefront's response cache keeps none either. The repeated and
 * the unique mix cost the same CPU per search in process (0.60-0.72 vs 0.64 ms, 2026-12-06);
 * a gap between their p99s is the run's order and the machine's load, not a cache.
 */
export function uncached(query: string, n: number): string {
  const bound = /maxPrice=(\d+)/.exec(query);
  if (bound) return query.replace(bound[0], `maxPrice=${Number(bound[1]) + (n % 1000)}`);
  return `${query}&maxPrice=${1_000_000_000 + n}`;
}

/**
 * Names and brands sampled across the catalog's categories (the most populated ones), so the
 * words come from the whole catalog rather than its newest products — which, after a checkout
 * run, are the load generator's own "Bench product"s (no category, so never sampled here).
 */
export async function sampleCatalog(storefront: Storefront) {
  const all = await storefront.search({ q: '', limit: 100 });
  const categories = all.facets.category.map((c) => c.value).slice(0, 12);
  const names: string[] = [];
  const brands = new Set<string>();
  for (const category of categories) {
    const page = await storefront.search({ category, sort: 'price_desc', limit: 4 });
    names.push(...page.items.map((i) => i.name));
    for (const item of page.items) brands.add(item.brand);
  }
  if (names.length === 0) names.push(...all.items.map((i) => i.name));
  return { total: all.total, names, brands: [...brands], categories };
}

export async function search(
  storefront: Storefront,
  settings: {
    connections: number;
    durationSeconds: number;
    catalog?: SearchCatalog | null;
    /** Search replicas' own URLs, for their handler histogram. */
    replicas?: string[];
    onProgress?: (line: string) => void;
  },
): Promise<SearchFigures> {
  const sample = await sampleCatalog(storefront);
  const queries = buildQueries(sample.names, sample.brands, sample.categories);
  let next = 0;
  const pathOf = (unique: boolean, n: number) => {
    const query = queries[n % queries.length];
    return `/v1/search?${unique ? uncached(query, n) : query}&limit=20`;
  };
  const load = {
    url: storefront.url,
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    onProgress: settings.onProgress,
  };
  // Saturated: closed loop, as fast as the connections go. At a rate: an open loop with evenly
  // spaced arrivals (runPaced; autocannon's own rate sends each second's requests in bursts).
  const run = (unique: boolean, rate?: number) => {
    const title = `search${unique ? ', uncached' : ''}: ${rate ? `${rate} req/s` : 'saturated'}`;
    if (rate) {
      return runPaced({
        ...load,
        rate,
        title,
        path: () => pathOf(unique, next++),
      });
    }
    return runLoad({
      ...load,
      title,
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => ({ ...req, path: pathOf(unique, next++) }),
        } satisfies Request,
      ],
    });
  };
  const saturated = await run(false);
  const at200 = await run(false, 200);
  const uncachedSaturated = await run(true);
  const replicas = settings.replicas ?? [];
  const names = ['search_request_seconds', 'search_query_seconds'];
  const scrape = () => Promise.all(names.map((name) => scrapeHistogram(replicas, name)));
  const before = await scrape();
  const uncachedAt200 = await run(true, 200);
  const after = await scrape();
  const inMs = (quantile: Quantile | null) =>
    quantile && {
      value: quantile.value * 1000,
      lower: quantile.lower * 1000,
      upper: quantile.upper * 1000,
    };
  const quantiles = (which: number) => ({
    p50: inMs(quantileBetween(before[which], after[which], 0.5)),
    p99: inMs(quantileBetween(before[which], after[which], 0.99)),
  });
  return {
    catalogSize: sample.total,
    catalog: settings.catalog ?? null,
    queries: queries.length,
    saturated,
    at200,
    uncachedSaturated,
    uncachedAt200,
    handlerUncachedAt200: { handler: quantiles(0), engine: quantiles(1) },
    names: sample.names,
  };
}

import type { Request } from 'autocannon';
import { runLoad, type LoadFigures } from '../load.js';
import type { Storefront } from '../storefront.js';

export interface SearchFigures {
  catalogSize: number;
  queries: number;
  /** As fast as it goes at the given connections. */
  saturated: LoadFigures;
  /** At a fixed 200 requests per second: the latency a shopper sees at that load. */
  at200: LoadFigures;
}

/** One letter swapped with its neighbour: the typo a shopper makes. */
export function typo(word: string): string {
  if (word.length < 4) return word;
  const i = 1 + Math.floor(word.length / 2) - 1;
  return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

/** Realistic queries built from the catalog itself: words of product names, prefixes, typos, filters. */
export function buildQueries(names: string[], brands: string[]): string[] {
  const words = [
    ...new Set(names.flatMap((n) => n.toLowerCase().split(/\W+/)).filter((w) => w.length >= 4)),
  ];
  const queries: string[] = [];
  for (const [i, word] of words.slice(0, 40).entries()) {
    queries.push(`q=${encodeURIComponent(word)}`);
    queries.push(`q=${encodeURIComponent(word.slice(0, 3))}`);
    queries.push(`q=${encodeURIComponent(typo(word))}`);
    if (i % 3 === 0)
      queries.push(`q=${encodeURIComponent(word)}&minPrice=1000&maxPrice=20000&sort=price_asc`);
    if (i % 4 === 0 && brands.length)
      queries.push(
        `q=${encodeURIComponent(word)}&brand=${encodeURIComponent(brands[i % brands.length])}`,
      );
  }
  queries.push('q=&sort=newest');
  return queries;
}

export async function search(
  storefront: Storefront,
  settings: { connections: number; durationSeconds: number; onProgress?: (line: string) => void },
): Promise<SearchFigures> {
  const all = await storefront.expect<{ total: number; items: { name: string; brand: string }[] }>(
    200,
    'GET',
    '/v1/search?q=&limit=100',
  );
  const queries = buildQueries(
    all.items.map((i) => i.name),
    [...new Set(all.items.map((i) => i.brand))],
  );
  let next = 0;
  const requests: Request[] = [
    {
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        path: `/v1/search?${queries[next++ % queries.length]}&limit=20`,
      }),
    },
  ];
  const load = { url: storefront.url, requests, ...settings };
  const saturated = await runLoad({ ...load, title: 'search: saturated' });
  const at200 = await runLoad({ ...load, title: 'search: 200 req/s', overallRate: 200 });
  return { catalogSize: all.total, queries: queries.length, saturated, at200 };
}

import { runPaced, type PacedFigures } from '../paced-load.js';
import type { Storefront } from '../storefront.js';
import { productIds } from './browse.js';

export interface WebFigures {
  /** The arrival rate both runs were held at (requests per second), evenly spaced. */
  rate: number;
  /** The web shop's product page, rendered on the server from the storefront's product read. */
  productPage: PacedFigures;
  /** The storefront's product read alone at the same rate: what the page is built on. */
  productRead: PacedFigures;
}

/**
 * The web shop's product page at a fixed rate (the target: p99 ≤ 50 ms at 100 req/s),
 * beside the storefront's own product read at the same rate, over the same 500 products; both
 * paced (evenly spaced requests, latency from each one's due time: runPaced).
 */
export async function webPages(
  storefront: Storefront,
  webUrl: string,
  settings: { rate: number; durationSeconds: number; onProgress?: (line: string) => void },
): Promise<WebFigures> {
  const ids = await productIds(storefront);
  const pick = () => ids[Math.floor(Math.random() * ids.length)];
  const at = {
    connections: 10,
    rate: settings.rate,
    durationSeconds: settings.durationSeconds,
    onProgress: settings.onProgress,
  };
  const page = () => `/p/${pick()}`;
  const read = () => `/v1/products/${pick()}`;
  // Warm both (keep-alive pools, the category tree the page keeps for a minute).
  await runPaced({ ...at, url: webUrl, durationSeconds: 1, title: 'web: warm-up', path: page });
  const productPage = await runPaced({
    ...at,
    url: webUrl,
    title: `web: product page at ${settings.rate} req/s`,
    path: page,
  });
  const productRead = await runPaced({
    ...at,
    url: storefront.url,
    title: `web: storefront product read at ${settings.rate} req/s`,
    path: read,
  });
  return { rate: settings.rate, productPage, productRead };
}

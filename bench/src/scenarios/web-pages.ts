import type { Request } from 'autocannon';
import { runLoad, type LoadFigures } from '../load.js';
import type { Storefront } from '../storefront.js';
import { productIds } from './browse.js';

export interface WebFigures {
  /** The arrival rate both runs were held at (requests per second). */
  rate: number;
  /** The web shop's product page, rendered on the server from the storefront's product read. */
  productPage: LoadFigures;
  /** The storefront's product read alone at the same rate: what the page is built on. */
  productRead: LoadFigures;
}

/**
 * The web shop's product page at a fixed rate (the target: p99 ≤ 50 ms at 100 req/s),
 * beside the storefront's own product read at the same rate, over the same 500 products.
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
    overallRate: settings.rate,
    durationSeconds: settings.durationSeconds,
    onProgress: settings.onProgress,
  };
  const page: Request = {
    method: 'GET',
    setupRequest: (req) => ({ ...req, path: `/p/${pick()}` }),
  };
  const read: Request = {
    method: 'GET',
    setupRequest: (req) => ({ ...req, path: `/v1/products/${pick()}` }),
  };
  // Warm both (keep-alive pools, the category tree the page keeps for a minute).
  await runLoad({
    ...at,
    url: webUrl,
    durationSeconds: 1,
    title: 'web: warm-up',
    requests: [page],
  });
  const productPage = await runLoad({
    ...at,
    url: webUrl,
    title: `web: product page at ${settings.rate} req/s`,
    requests: [page],
  });
  const productRead = await runLoad({
    ...at,
    url: storefront.url,
    title: `web: storefront product read at ${settings.rate} req/s`,
    requests: [read],
  });
  return { rate: settings.rate, productPage, productRead };
}

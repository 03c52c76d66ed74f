import type { Request } from 'autocannon';
import { withCpuPerRequest, type CpuPerRequest, type Groups } from '../cpu.js';
import { runLoad, type LoadFigures } from '../load.js';
import type { Storefront } from '../storefront.js';

export interface BrowseFigures {
  /** The shop mix: mostly product pages, some list pages, a few carts. */
  mix: LoadFigures;
  /**
   * Product detail alone, to set beside the bare Fastify + pg route: as shoppers get it (500
   * popular products, answered from the storefront's cache while catalog's max-age allows).
   */
  productDetail: LoadFigures & Partial<CpuPerRequest>;
  /** The same reads with `Cache-Control: no-cache`: every one goes through to catalog and pg. */
  productDetailUncached: LoadFigures & Partial<CpuPerRequest>;
}

/** Up to 500 product ids, from the catalog's first pages. */
export async function productIds(storefront: Storefront): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  while (ids.length < 500) {
    const page = await storefront.products({ limit: 100, cursor });
    ids.push(...page.items.map((p) => p.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (ids.length === 0) throw new Error('the catalog is empty: run `pnpm seed` first');
  return ids;
}

export async function browse(
  storefront: Storefront,
  settings: {
    connections: number;
    durationSeconds: number;
    onProgress?: (line: string) => void;
    /** The processes whose CPU per product read is measured (storefront, catalog, Postgres). */
    cpuGroups?: () => Promise<Groups>;
  },
): Promise<BrowseFigures> {
  const ids = await productIds(storefront);
  const pick = () => ids[Math.floor(Math.random() * ids.length)];
  const detail: Request = {
    method: 'GET',
    setupRequest: (req) => ({ ...req, path: `/v1/products/${pick()}` }),
  };
  const list: Request = { method: 'GET', path: '/v1/products?limit=20' };
  const cart: Request = {
    method: 'POST',
    path: '/v1/carts',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  };
  // Weighted like a shop: 16 product views and 3 list pages for every new cart.
  const requests = [...Array(16).fill(detail), ...Array(3).fill(list), cart];
  const { cpuGroups, ...rest } = settings;
  const load = { url: storefront.url, ...rest };
  const measured = <T extends { requests: number }>(work: () => Promise<T>) =>
    cpuGroups ? withCpuPerRequest(cpuGroups, work) : work();
  const mix = await runLoad({ ...load, title: 'browse: shop mix', requests });
  const productDetail = await measured(() =>
    runLoad({ ...load, title: 'browse: product detail', requests: [detail] }),
  );
  const productDetailUncached = await measured(() =>
    runLoad({
      ...load,
      title: 'browse: product detail, uncached',
      requests: [{ ...detail, headers: { 'cache-control': 'no-cache' } }],
    }),
  );
  return { mix, productDetail, productDetailUncached };
}

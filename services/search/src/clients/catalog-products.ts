import type { ServiceClient } from '@bazaar/http-client';
import type { ProductPage, ProductPageReader } from '../domain/reindex.js';

/** Catalog's export answered something other than a page. */
export class CatalogExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogExportError';
  }
}

function isPage(body: unknown): body is ProductPage {
  if (body === null || typeof body !== 'object') return false;
  const page = body as Record<string, unknown>;
  return (
    Array.isArray(page.items) && (typeof page.nextCursor === 'string' || page.nextCursor === null)
  );
}

/**
 * Reads catalog's full export, `GET /internal/products?limit=&cursor=` -> `{ items, nextCursor }`,
 * page by page (a GET: retried by the client when catalog is briefly away).
 */
export function catalogProductPages(catalog: ServiceClient, pageSize: number): ProductPageReader {
  return async (cursor) => {
    const { status, body } = await catalog.request<unknown>({
      method: 'GET',
      path: '/internal/products',
      query: { limit: pageSize, cursor: cursor ?? undefined },
      idempotent: true,
    });
    if (status !== 200) {
      throw new CatalogExportError(`catalog's export answered ${status}: ${JSON.stringify(body)}`);
    }
    if (!isPage(body)) throw new CatalogExportError("catalog's export answered a malformed page");
    return body;
  };
}

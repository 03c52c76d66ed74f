import { problemResponses, type App } from '@bazaar/service-kit';
import { exportProducts } from '../../domain/export-products.js';
import { lookupPrices } from '../../domain/lookup-prices.js';
import type { RouteDeps } from '../route-deps.js';
import { ExportPage, ExportQuery, PricesBody, PricesReply } from './schemas.js';

/**
 * Service-to-service routes, never published by the storefront: the checkout's price lookup
 * (orders) and the bulk export (search). No token check: these are reached only inside the
 * cluster, and the price lookup is on the checkout's hot path.
 */
export async function internalRoutes(app: App, { db, faults }: RouteDeps): Promise<void> {
  app.post(
    '/internal/prices',
    {
      schema: {
        tags: ['internal'],
        operationId: 'getPrices',
        summary: 'Authoritative prices and availability of up to 100 products, in one query',
        description:
          'For the services pricing a cart or an order: the current price and availability of up to 100 products, read in one query.',
        body: PricesBody,
        response: { 200: PricesReply, ...problemResponses([400]) },
      },
    },
    async (request) => {
      await faults.inject('catalog.prices'); // drills only: off unless BAZAAR_FAULTS names it
      return lookupPrices(db, request.body.productIds);
    },
  );

  app.get(
    '/internal/products',
    {
      schema: {
        tags: ['internal'],
        operationId: 'listProductDocuments',
        summary: 'Every product as its full event document, page by page (search reindexing)',
        description:
          "For search's reindexing: every product as the document its events carry, page by page.",
        querystring: ExportQuery,
        response: { 200: ExportPage, ...problemResponses([400]) },
      },
    },
    async (request) => exportProducts(db, request.query),
  );
}

import { performance } from 'node:perf_hooks';
import { problemResponses, type App } from '@bazaar/service-kit';
import { search } from '../../domain/search.js';
import type { RouteDeps } from '../route-deps.js';
import { SearchQuery, SearchReply } from './schemas.js';

/** `GET /v1/search`: public, no token. */
export async function searchRoutes(app: App, { follower, timers }: RouteDeps): Promise<void> {
  app.get(
    '/v1/search',
    {
      schema: {
        tags: ['search'],
        operationId: 'searchProducts',
        summary: 'Full-text product search with typo tolerance, filters, facets and sorting',
        description:
          'Searches the products with typo tolerance; filters by category, brand, price and stock, answers facet counts, sorts as asked and pages with a cursor.',
        querystring: SearchQuery,
        response: { 200: SearchReply, ...problemResponses([400]) },
      },
      // Routed to written: what the engine's time leaves out (validation, serialisation, write).
      onResponse: async (_request, reply) => timers.request(reply.elapsedTime / 1000),
    },
    async (request) => {
      const { q, category, brand, minPrice, maxPrice, inStock, sort, limit, cursor } =
        request.query;
      const started = performance.now();
      const result = search(follower.index, {
        q,
        categoryId: category,
        brands: brand,
        minPrice,
        maxPrice,
        inStock,
        sort,
        limit,
        cursor,
      });
      timers.query((performance.now() - started) / 1000);
      return result;
    },
  );
}

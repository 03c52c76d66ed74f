import type { App } from '@bazaar/service-kit';
import { problems } from '../common-schemas.js';
import { forward } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import { SearchQuery, SearchResult } from './schemas.js';

/** `/v1/search`: full text with typo tolerance, facets and sorting, answered by search. */
export async function searchRoutes(app: App, { upstreams }: RouteDeps): Promise<void> {
  app.get(
    '/v1/search',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'searchProducts',
        summary: 'Search products',
        description: 'Full text with typo tolerance; facets for category, brand and price ranges.',
        querystring: SearchQuery,
        response: { 200: SearchResult, ...problems(400) },
      },
    },
    async (request, reply) =>
      forward(request, reply, upstreams.search, {
        method: 'GET',
        path: '/v1/search',
        query: request.query,
        idempotent: true,
      }),
  );
}

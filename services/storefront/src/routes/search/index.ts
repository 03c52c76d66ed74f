import type { App } from '@bazaar/service-kit';
import { problems } from '../common-schemas.js';
import { passOn, relay } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import { SearchQuery, SearchResult } from './schemas.js';

/** `/v1/search`: full text with typo tolerance, facets and sorting, answered by search. */
export async function searchRoutes(app: App, { upstreams }: RouteDeps): Promise<void> {
  app.get(
    '/v1/search',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Search products',
        description: 'Full text with typo tolerance; facets for category, brand and price ranges.',
        querystring: SearchQuery,
        response: { 200: SearchResult, ...problems(400) },
      },
    },
    async (request, reply) =>
      relay(
        request,
        reply,
        await upstreams.search.request({
          method: 'GET',
          path: '/v1/search',
          query: request.query,
          headers: passOn(request),
          idempotent: true,
        }),
      ),
  );
}

import type { App } from '@bazaar/service-kit';
import { IdParams, problems } from '../common-schemas.js';
import { forward, segment } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import { CategoryTree, ListProductsQuery, Product, ProductPage } from './schemas.js';

const tags = ['catalog'];

/**
 * Catalog's product as this API publishes it (`Product`, without catalog's `version`): asked
 * for by type, it is relayed as catalog serialized it.
 */
const PUBLIC_PRODUCT_TYPE = 'application/vnd.bazaar.public-product+json';

/** Public catalog reads, answered by the catalog service. */
export async function catalogRoutes(app: App, { upstreams }: RouteDeps): Promise<void> {
  const { catalog } = upstreams;

  app.get(
    '/v1/categories',
    {
      schema: {
        tags,
        operationId: 'getCategoryTree',
        summary: 'The category tree',
        description: 'Every category, nested under its parent.',
        response: { 200: CategoryTree, ...problems() },
      },
    },
    async (request, reply) =>
      forward(request, reply, catalog, {
        method: 'GET',
        path: '/v1/categories',
        idempotent: true,
      }),
  );

  app.get(
    '/v1/products',
    {
      schema: {
        tags,
        operationId: 'listProducts',
        summary: 'List products',
        description:
          'Filters by category (with its sub-categories), brand and price; keyset pagination.',
        querystring: ListProductsQuery,
        response: { 200: ProductPage, ...problems(400) },
      },
    },
    async (request, reply) =>
      forward(request, reply, catalog, {
        method: 'GET',
        path: '/v1/products',
        query: request.query,
        idempotent: true,
      }),
  );

  app.get(
    '/v1/products/:id',
    {
      schema: {
        tags,
        operationId: 'getProduct',
        summary: 'One product',
        description:
          'One product with its price and availability; 404 when there is none with that id.',
        params: IdParams,
        response: { 200: Product, ...problems(400, 404) },
      },
    },
    async (request, reply) =>
      forward(request, reply, catalog, {
        method: 'GET',
        path: `/v1/products/${segment(request.params.id)}`,
        idempotent: true,
        passThrough: PUBLIC_PRODUCT_TYPE,
      }),
  );
}

import { tagSpan } from '@bazaar/telemetry';
import { ProblemSchema, type App } from '@bazaar/service-kit';
import { getProduct } from '../../domain/get-product.js';
import { listProducts } from '../../domain/list-products.js';
import type { RouteDeps } from '../route-deps.js';
import { ListProductsQuery, ProductPage, ProductParams, ProductSchema } from './schemas.js';

/** Public reads: the product list with filters and one product. */
export async function productRoutes(app: App, { db }: RouteDeps): Promise<void> {
  // The product's id on the request's span (these routes are their own plugin), for tag search.
  app.addHook('preHandler', async (request) => {
    tagSpan({ productId: (request.params as { id?: string } | undefined)?.id });
  });
  app.get(
    '/v1/products',
    {
      schema: {
        tags: ['products'],
        summary:
          'List products (keyset pagination, filters; a category includes its sub-categories)',
        querystring: ListProductsQuery,
        response: { 200: ProductPage, 400: ProblemSchema },
      },
    },
    async (request) => listProducts(db, request.query),
  );

  app.get(
    '/v1/products/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'One product',
        params: ProductParams,
        response: { 200: ProductSchema, 404: ProblemSchema },
      },
    },
    async (request) => getProduct(db, request.params.id),
  );
}

import { tagSpan } from '@bazaar/telemetry';
import { problemResponses, type App } from '@bazaar/service-kit';
import { getProduct, getPublicProductJson } from '../../domain/get-product.js';
import { listProducts } from '../../domain/list-products.js';
import type { RouteDeps } from '../route-deps.js';
import {
  ListProductsQuery,
  ProductPage,
  ProductParams,
  ProductSchema,
  PUBLIC_PRODUCT_TYPE,
  PublicProductSchema,
} from './schemas.js';

/**
 * Public product reads may be shared (by the storefront's cache, a CDN, a browser) this long:
 * a shopper may see a price or a stock count up to 5 s old; checkout always prices and reserves
 * from the database.
 */
export const PUBLIC_READ_CACHE_CONTROL = 'public, max-age=5';

/** Public reads: the product list with filters and one product. */
export async function productRoutes(app: App, { db }: RouteDeps): Promise<void> {
  // The product's id on the request's span (these routes are their own plugin), for tag search.
  app.addHook('preHandler', (request, _reply, done) => {
    tagSpan({ productId: (request.params as { id?: string } | undefined)?.id });
    done();
  });
  app.get(
    '/v1/products',
    {
      schema: {
        tags: ['products'],
        operationId: 'listProducts',
        summary:
          'List products (keyset pagination, filters; a category includes its sub-categories)',
        description:
          'Products page by page (keyset pagination), filtered by category (with its sub-categories), brand and price.',
        querystring: ListProductsQuery,
        response: { 200: ProductPage, ...problemResponses([400]) },
      },
    },
    async (request, reply) => {
      const page = await listProducts(db, request.query);
      reply.header('cache-control', PUBLIC_READ_CACHE_CONTROL);
      return page;
    },
  );

  app.get(
    '/v1/products/:id',
    {
      schema: {
        tags: ['products'],
        operationId: 'getProduct',
        summary: 'One product',
        description:
          'One product with its price and availability; 404 when there is none with that id. ' +
          `With \`Accept: ${PUBLIC_PRODUCT_TYPE}\`, the product as the storefront publishes it.`,
        params: ProductParams,
        response: {
          200: {
            content: {
              'application/json': { schema: ProductSchema },
              [PUBLIC_PRODUCT_TYPE]: { schema: PublicProductSchema },
            },
          },
          ...problemResponses([400, 404]),
        },
      },
    },
    async (request, reply) => {
      if (request.headers.accept === PUBLIC_PRODUCT_TYPE) {
        // The storefront's read, relayed as it is: the JSON text Postgres made, sent as it is
        // (a string of a JSON type meets no serializer; the schema above documents it).
        const json = await getPublicProductJson(db, request.params.id);
        return reply
          .header('cache-control', PUBLIC_READ_CACHE_CONTROL)
          .type(PUBLIC_PRODUCT_TYPE)
          .send(json as never);
      }
      const product = await getProduct(db, request.params.id);
      reply.header('cache-control', PUBLIC_READ_CACHE_CONTROL);
      return product;
    },
  );
}

import { tagSpan } from '@bazaar/telemetry';
import { problemResponses, type App } from '@bazaar/service-kit';
import { Type } from '@sinclair/typebox';
import { createProduct } from '../../domain/create-product.js';
import { deleteProduct } from '../../domain/delete-product.js';
import { setStock } from '../../domain/set-stock.js';
import { updateProduct } from '../../domain/update-product.js';
import { ProductParams, ProductSchema } from '../products/schemas.js';
import type { RouteDeps } from '../route-deps.js';
import { CreateProductBody, SetStockBody, UpdateProductBody } from './schemas.js';

const errorReplies = problemResponses([400, 401, 403, 404, 409]);

/** Admin writes; each needs an access token with the `admin` role, checked before the body. */
export async function adminRoutes(app: App, { db }: RouteDeps): Promise<void> {
  // The product's id on the request's span (these routes are their own plugin), for tag search.
  app.addHook('preHandler', async (request) => {
    tagSpan({ productId: (request.params as { id?: string } | undefined)?.id });
  });
  const guard = { onRequest: app.requireRole('admin') };
  const common = { tags: ['admin'], security: [{ bearerAuth: [] }] };

  app.post(
    '/v1/admin/products',
    {
      ...guard,
      schema: {
        ...common,
        operationId: 'createProduct',
        summary: 'Create a product with its initial stock',
        description:
          'Creates a product with its initial stock (admin only) and publishes product.created. 409 when its SKU is taken.',
        body: CreateProductBody,
        response: { 201: ProductSchema, ...errorReplies },
      },
    },
    async (request, reply) => reply.code(201).send(await createProduct(db, request.body)),
  );

  app.patch(
    '/v1/admin/products/:id',
    {
      ...guard,
      schema: {
        ...common,
        operationId: 'updateProduct',
        summary: 'Change a product (stock has its own route)',
        description:
          "Changes a product's fields (admin only) and publishes product.updated; stock is set with setProductStock.",
        params: ProductParams,
        body: UpdateProductBody,
        response: { 200: ProductSchema, ...errorReplies },
      },
    },
    async (request) => updateProduct(db, request.params.id, request.body),
  );

  app.delete(
    '/v1/admin/products/:id',
    {
      ...guard,
      schema: {
        ...common,
        operationId: 'deleteProduct',
        summary: 'Delete a product',
        description: 'Deletes a product (admin only) and publishes product.deleted.',
        params: ProductParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      await deleteProduct(db, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/v1/admin/products/:id/stock',
    {
      ...guard,
      schema: {
        ...common,
        operationId: 'setProductStock',
        summary: 'Set the units available (a count, not a delta)',
        description:
          'Sets the units of a product available for sale (admin only): a count, not a delta.',
        params: ProductParams,
        body: SetStockBody,
        response: { 200: ProductSchema, ...errorReplies },
      },
    },
    async (request) => setStock(db, request.params.id, request.body.available),
  );
}

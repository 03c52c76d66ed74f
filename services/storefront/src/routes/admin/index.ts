import type { App } from '@bazaar/service-kit';
import { CreateProductBody, Product, SetStockBody, UpdateProductBody } from '../catalog/schemas.js';
import { bearer, IdParams, problems } from '../common-schemas.js';
import {
  AdminListOrdersQuery,
  AdminOrder,
  AdminOrderPage,
  AdminPaymentLedger,
} from '../orders/schemas.js';
import { forward, segment } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';

const tags = ['admin'];

/**
 * `/v1/admin/*`: the admin role is checked here before anything is forwarded (401/403 never
 * reach a service), and again by the service that answers.
 */
export async function adminRoutes(app: App, { upstreams }: RouteDeps): Promise<void> {
  const guard = { preValidation: [app.requireRole('admin'), app.limitPerUser] };
  const { catalog, orders, payments } = upstreams;
  const product = (id: string) => `/v1/admin/products/${segment(id)}`;

  app.post(
    '/v1/admin/products',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'createProduct',
        summary: 'Create a product with its initial stock',
        description:
          'Creates a product with its initial stock (admin only). 409 when its SKU is taken.',
        security: bearer,
        body: CreateProductBody,
        response: { 201: Product, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      forward(request, reply, catalog, {
        method: 'POST',
        path: '/v1/admin/products',
        body: request.body,
      }),
  );

  app.patch(
    '/v1/admin/products/:id',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'updateProduct',
        summary: 'Change a product (stock has its own route)',
        description: "Changes a product's fields (admin only); stock is set with setProductStock.",
        security: bearer,
        params: IdParams,
        body: UpdateProductBody,
        response: { 200: Product, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      forward(request, reply, catalog, {
        method: 'PATCH',
        path: product(request.params.id),
        body: request.body,
      }),
  );

  app.delete(
    '/v1/admin/products/:id',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'deleteProduct',
        summary: 'Delete a product',
        description: 'Deletes a product (admin only).',
        security: bearer,
        params: IdParams,
        response: {
          204: { description: 'Deleted', type: 'null' },
          ...problems(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) =>
      forward(request, reply, catalog, {
        method: 'DELETE',
        path: product(request.params.id),
        idempotent: true,
      }),
  );

  app.put(
    '/v1/admin/products/:id/stock',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'setProductStock',
        summary: 'Set the units available (a count, not a delta)',
        description:
          'Sets the units of a product available for sale (admin only): a count, not a delta.',
        security: bearer,
        params: IdParams,
        body: SetStockBody,
        response: { 200: Product, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      forward(request, reply, catalog, {
        method: 'PUT',
        path: `${product(request.params.id)}/stock`,
        body: request.body,
        idempotent: true,
      }),
  );

  app.get(
    '/v1/admin/orders',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'listAllOrders',
        summary: 'All orders, newest first, optionally of one status',
        description:
          "Every shopper's orders, newest first, page by page, optionally only those of one status (admin only).",
        security: bearer,
        querystring: AdminListOrdersQuery,
        response: { 200: AdminOrderPage, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) =>
      forward(request, reply, orders, {
        method: 'GET',
        path: '/v1/admin/orders',
        query: request.query,
        idempotent: true,
      }),
  );

  app.post(
    '/v1/admin/orders/:id/ship',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'shipOrder',
        summary: 'Mark a confirmed order shipped',
        description: 'Only a confirmed order ships (409 otherwise); shipping it again answers 200.',
        security: bearer,
        params: IdParams,
        response: { 200: AdminOrder, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      forward(request, reply, orders, {
        method: 'POST',
        path: `/v1/admin/orders/${segment(request.params.id)}/ship`,
        idempotent: true,
      }),
  );

  app.get(
    '/v1/admin/orders/:id/payments',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'getAdminOrderPayments',
        summary: 'The payment ledger of any order, with provider references',
        description:
          "The payment operations of any order with the provider's references (admin only); 404 when there is no such order.",
        security: bearer,
        params: IdParams,
        response: { 200: AdminPaymentLedger, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      forward(request, reply, payments, {
        method: 'GET',
        path: `/v1/admin/orders/${segment(request.params.id)}/payments`,
        idempotent: true,
      }),
  );
}

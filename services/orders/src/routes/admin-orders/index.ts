import { problemResponses, type App } from '@bazaar/service-kit';
import { shipOrder } from '../../domain/order-commands.js';
import { listOrderPage } from '../../domain/order-queries.js';
import { orderView } from '../../domain/order-view.js';
import { OrderPageSchema, OrderParams, OrderSchema } from '../orders/schemas.js';
import type { RouteDeps } from '../route-deps.js';
import { AdminListQuery } from './schemas.js';

const security = [{ bearerAuth: [] }];

/** Fulfilment: every shopper's orders by status, and shipping confirmed ones. */
export async function adminOrderRoutes(app: App, deps: RouteDeps): Promise<void> {
  const guard = app.requireRole('admin');

  app.get(
    '/v1/admin/orders',
    {
      onRequest: guard,
      schema: {
        tags: ['admin'],
        operationId: 'listAllOrders',
        summary: 'All orders, newest first, optionally of one status',
        description:
          "Every shopper's orders, newest first, page by page, optionally only those of one status (admin only).",
        security,
        querystring: AdminListQuery,
        response: {
          200: OrderPageSchema,
          ...problemResponses([400, 401, 403]),
        },
      },
    },
    async (request) => {
      const page = await listOrderPage(deps.db, request.query);
      return { items: page.items.map(orderView), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/admin/orders/:id/ship',
    {
      onRequest: guard,
      schema: {
        tags: ['admin'],
        operationId: 'shipOrder',
        summary: 'Mark a confirmed order shipped (publishes order.shipped)',
        description: 'Only a confirmed order ships (409 otherwise); shipping it again answers 200.',
        security,
        params: OrderParams,
        response: {
          200: OrderSchema,
          ...problemResponses([400, 401, 403, 404, 409]),
        },
      },
    },
    async (request) => orderView(await shipOrder(deps, request.params.id)),
  );
}

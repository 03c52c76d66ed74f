import { problemResponses, type App } from '@bazaar/service-kit';
import { tagSpan } from '@bazaar/telemetry';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { cancelOrder } from '../../domain/order-commands.js';
import { getOwnOrder, listOrderPage } from '../../domain/order-queries.js';
import { isFinal } from '../../domain/order-state.js';
import { orderView } from '../../domain/order-view.js';
import { placeOrder } from '../../domain/place-order.js';
import type { RouteDeps } from '../route-deps.js';
import {
  CheckoutBody,
  EventStreamHeaders,
  IdempotencyHeaders,
  ListQuery,
  OrderPageSchema,
  OrderParams,
  OrderSchema,
} from './schemas.js';

const security = [{ bearerAuth: [] }];

/** The order's id on the request's span, for Jaeger's tag search. */
const tagOrder = async (request: FastifyRequest) => {
  tagSpan({ orderId: (request.params as { id?: string }).id });
};

/** A shopper's orders: checkout, history, live status, cancel. Someone else's order is a 404. */
export async function orderRoutes(app: App, deps: RouteDeps): Promise<void> {
  app.post(
    '/v1/orders',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['orders'],
        operationId: 'placeOrder',
        summary: 'Place an order (checkout); Idempotency-Key required',
        description:
          'Prices come from catalog; prices or totals sent by the client are ignored. The same ' +
          'Idempotency-Key with the same body answers the first answer again (header ' +
          '`idempotent-replayed: true`); with another body, 422. Keys are kept at least 24 h.',
        security,
        headers: IdempotencyHeaders,
        body: CheckoutBody,
        response: {
          202: OrderSchema,
          ...problemResponses([400, 401, 404, 409, 422, 503]),
        },
      },
    },
    async (request, reply) => {
      const result = await placeOrder(deps, {
        userId: request.user!.id,
        idempotencyKey: request.headers['idempotency-key'],
        request: request.body,
        requestId: request.id,
      });
      tagSpan({ orderId: result.body.id });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(202).send(result.body);
    },
  );

  app.get(
    '/v1/orders',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['orders'],
        operationId: 'listMyOrders',
        summary: "The shopper's own orders, newest first",
        description: "The signed-in shopper's orders, newest first, page by page.",
        security,
        querystring: ListQuery,
        response: { 200: OrderPageSchema, ...problemResponses([400, 401]) },
      },
    },
    async (request) => {
      const page = await listOrderPage(deps.db, { ...request.query, userId: request.user!.id });
      return { items: page.items.map(orderView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/orders/:id',
    {
      onRequest: app.requireUser,
      preHandler: tagOrder,
      schema: {
        tags: ['orders'],
        operationId: 'getOrder',
        summary: 'One of the shopper’s orders, with its status history',
        description:
          "One of the signed-in shopper's orders with its items and status history; 404 when it is not theirs.",
        security,
        params: OrderParams,
        response: { 200: OrderSchema, ...problemResponses([400, 401, 404]) },
      },
    },
    async (request) => orderView(await getOwnOrder(deps.db, request.params.id, request.user!.id)),
  );

  app.get(
    '/v1/orders/:id/events',
    {
      onRequest: app.requireUser,
      preHandler: tagOrder,
      schema: {
        tags: ['orders'],
        operationId: 'streamOrderEvents',
        summary: 'Live status of an order (server-sent events)',
        description:
          '`event: status` with `{ orderId, status, reason, at }`; first the current status, then ' +
          'each change. `id` can be sent back as `Last-Event-ID` to resume. Heartbeat comments ' +
          'keep the stream open (they cost no query); it ends after a final status (`cancelled`, ' +
          '`shipped`), and after `SSE_IDLE_MS` without a change with a `retry:` hint ' +
          '(`SSE_IDLE_RECONNECT_MS`). Resuming an order already final with its last event id ' +
          'answers 204, which tells an EventSource to stop.',
        security,
        params: OrderParams,
        headers: EventStreamHeaders,
        response: {
          200: {
            description: 'text/event-stream',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          204: {
            description: 'The order is final and the client has its last event',
            type: 'null',
          },
          ...problemResponses([400, 401, 404]),
        },
      },
    },
    async (request, reply) => {
      const order = await getOwnOrder(deps.db, request.params.id, request.user!.id);
      const header = request.headers['last-event-id'];
      const lastEventId = header === undefined ? undefined : Number(header);
      const current = order.statusHistory[order.statusHistory.length - 1];
      if (lastEventId !== undefined && isFinal(current.status) && current.seq <= lastEventId) {
        return reply.code(204).send();
      }
      reply.hijack();
      deps.events.stream(reply.raw, order.id, { current, lastEventId });
    },
  );

  app.post(
    '/v1/orders/:id/cancel',
    {
      onRequest: app.requireUser,
      preHandler: tagOrder,
      schema: {
        tags: ['orders'],
        operationId: 'cancelOrder',
        summary: 'Cancel an order that has not shipped (stock released, payment refunded)',
        description: 'Cancelling an already cancelled order answers 200 with the order as it is.',
        security,
        params: OrderParams,
        response: {
          200: OrderSchema,
          ...problemResponses([400, 401, 404, 409]),
        },
      },
    },
    async (request) => orderView(await cancelOrder(deps, request.params.id, request.user!.id)),
  );
}

import type { App } from '@bazaar/service-kit';
import { tagSpan } from '@bazaar/telemetry';
import { Type } from '@sinclair/typebox';
import { checkout } from '../../domain/checkout.js';
import { bearer, IdParams, problems } from '../common-schemas.js';
import { forward, passOn, relay, segment } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import { streamOrderEvents } from './events.js';
import {
  CheckoutBody,
  CheckoutHeaders,
  EventStreamHeaders,
  ListOrdersQuery,
  Order,
  OrderPage,
  PaymentLedger,
} from './schemas.js';

const tags = ['orders'];

/** The shopper's orders: checkout, history, live status, cancel, payments. */
export async function orderRoutes(app: App, deps: RouteDeps): Promise<void> {
  const { orders, payments } = deps.upstreams;
  const guard = { preValidation: [app.requireUser, app.limitPerUser] };
  // The order's id on the request's span (these routes are their own plugin), for tag search.
  app.addHook('preHandler', async (request) => {
    tagSpan({ orderId: (request.params as { id?: string } | undefined)?.id });
  });

  app.post(
    '/v1/orders',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'placeOrder',
        summary: 'Place an order (checkout)',
        description:
          'Pays with a saved method (`payment: { methodId }`, from `POST /v1/payment-methods`; ' +
          'another shopper’s is 404) or a card, exchanged at payments for a method first with ' +
          'the same `Idempotency-Key`. The order is placed at the ' +
          'catalog’s prices and answered `202` while stock and payment are settled (follow it ' +
          'with GET or the events stream). An order beyond the stock ends `cancelled` ' +
          '(`out_of_stock`) or is refused at once with `409`; a declined card ends `cancelled` ' +
          '(`payment_declined`).',
        security: bearer,
        headers: CheckoutHeaders,
        body: CheckoutBody,
        response: { 202: Order, ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const answer = await checkout(deps, {
        body: request.body,
        headers: passOn(request),
        shopperId: request.user!.id,
      });
      if (answer.status === 202) tagSpan({ orderId: (answer.body as { id: string }).id });
      return relay(request, reply, answer);
    },
  );

  app.get(
    '/v1/orders',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'listMyOrders',
        summary: 'My orders, newest first',
        description: "The signed-in shopper's orders, newest first, page by page.",
        security: bearer,
        querystring: ListOrdersQuery,
        response: { 200: OrderPage, ...problems(400, 401) },
      },
    },
    async (request, reply) =>
      forward(request, reply, orders, {
        method: 'GET',
        path: '/v1/orders',
        query: request.query,
        idempotent: true,
      }),
  );

  app.get(
    '/v1/orders/:id',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'getOrder',
        summary: 'One of my orders with its status history',
        description: 'Someone else’s order is a 404, as if it did not exist.',
        security: bearer,
        params: IdParams,
        response: { 200: Order, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) =>
      forward(request, reply, orders, {
        method: 'GET',
        path: `/v1/orders/${segment(request.params.id)}`,
        idempotent: true,
      }),
  );

  app.get(
    '/v1/orders/:id/events',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'streamOrderEvents',
        summary: 'Live status of one of my orders (server-sent events)',
        description:
          '`event: status` with `{ orderId, status, reason, at }`: first the current status, then ' +
          'every change; `id` can be sent back as `Last-Event-ID` to resume. Comments keep the ' +
          'stream open. It ends after a final status (`cancelled`, `shipped`), and after a long ' +
          'quiet spell (a confirmed order waiting to ship) with a `retry:` line saying when to ' +
          'reconnect; resuming an order already final answers `204` (an EventSource stops). A ' +
          'shopper holds at most a few streams at once, and each server a bounded number: past ' +
          'either, `429` with `Retry-After`.',
        security: bearer,
        params: IdParams,
        headers: EventStreamHeaders,
        response: {
          200: {
            description: 'An event stream',
            content: {
              'text/event-stream': {
                schema: Type.String({
                  examples: [
                    'id: 2\nevent: status\ndata: {"orderId":"01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77","status":"confirmed","reason":"payment_authorized","at":"2026-11-22T10:00:01.000Z"}\n\n',
                  ],
                }),
              },
            },
          },
          204: {
            description:
              'The order is final and `Last-Event-ID` is its last event: nothing more will come',
            type: 'null',
          },
          ...problems(400, 401, 404),
        },
      },
    },
    async (request, reply) =>
      streamOrderEvents(deps.upstreams.orderEvents, request.params.id, request, reply),
  );

  app.post(
    '/v1/orders/:id/cancel',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'cancelOrder',
        summary: 'Cancel one of my orders',
        description:
          'Stock is released and the payment refunded. An order already cancelled is answered as it is.',
        security: bearer,
        params: IdParams,
        response: { 200: Order, ...problems(400, 401, 404, 409) },
      },
    },
    async (request, reply) =>
      forward(request, reply, orders, {
        method: 'POST',
        path: `/v1/orders/${segment(request.params.id)}/cancel`,
        // Cancelling twice is cancelling once.
        idempotent: true,
      }),
  );

  app.get(
    '/v1/orders/:id/payments',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'getOrderPayments',
        summary: 'The payment ledger of one of my orders (authorization, capture, refund)',
        description:
          "The payment operations of one of the signed-in shopper's orders (authorization, capture, refund); 404 when the order is not theirs.",
        security: bearer,
        params: IdParams,
        response: { 200: PaymentLedger, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) =>
      forward(request, reply, payments, {
        method: 'GET',
        path: `/v1/orders/${segment(request.params.id)}/payments`,
        idempotent: true,
      }),
  );
}

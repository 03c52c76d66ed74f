import type { App } from '@bazaar/service-kit';
import { IdParams, problems } from '../common-schemas.js';
import { forward, segment } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import { Cart, CartItemParams, SetItemBody } from './schemas.js';

const tags = ['carts'];
const optionalBearer: { [scheme: string]: string[] }[] = [{}, { bearerAuth: [] }];

/**
 * `/v1/carts`: open to anyone; a cart created with a token belongs to that shopper. orders
 * checks the optional token itself, so it is passed on as it came.
 */
export async function cartRoutes(app: App, { upstreams }: RouteDeps): Promise<void> {
  const { orders } = upstreams;

  app.post(
    '/v1/carts',
    {
      schema: {
        tags,
        operationId: 'createCart',
        summary: 'Open a cart',
        description:
          "Opens an empty cart: the signed-in shopper's when a token is sent, an anonymous one otherwise.",
        security: optionalBearer,
        response: { 201: Cart, ...problems(400, 401) },
      },
    },
    async (request, reply) =>
      forward(request, reply, orders, {
        method: 'POST',
        path: '/v1/carts',
        body: {},
      }),
  );

  app.get(
    '/v1/carts/:id',
    {
      schema: {
        tags,
        operationId: 'getCart',
        summary: 'A cart with current prices and total',
        description: 'A cart with its items at current catalogue prices and its total.',
        security: optionalBearer,
        params: IdParams,
        response: { 200: Cart, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) =>
      forward(request, reply, orders, {
        method: 'GET',
        path: `/v1/carts/${segment(request.params.id)}`,
        idempotent: true,
      }),
  );

  app.put(
    '/v1/carts/:id/items/:productId',
    {
      schema: {
        tags,
        operationId: 'setCartItem',
        summary: 'Set the quantity of one product in a cart (0 removes it)',
        description:
          'Sets how many units of one product the cart holds (0 removes the product) and answers the cart. 409 when the cart was already checked out.',
        security: optionalBearer,
        params: CartItemParams,
        body: SetItemBody,
        response: { 200: Cart, ...problems(400, 401, 404, 409) },
      },
    },
    async (request, reply) =>
      forward(request, reply, orders, {
        method: 'PUT',
        path: `/v1/carts/${segment(request.params.id)}/items/${segment(request.params.productId)}`,
        body: request.body,
        idempotent: true,
      }),
  );
}

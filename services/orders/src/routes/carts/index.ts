import { problemResponses, type App } from '@bazaar/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createCart, getCart, setCartItem } from '../../domain/carts.js';
import type { RouteDeps } from '../route-deps.js';
import { CartItemBody, CartItemParams, CartParams, CartSchema } from './schemas.js';

const security: Record<string, string[]>[] = [{}, { bearerAuth: [] }];

/** Carts: anyone may have one; a signed-in shopper's cart is theirs alone. */
export async function cartRoutes(app: App, deps: RouteDeps): Promise<void> {
  /** A token is optional here, but one that is sent must be valid (401 otherwise). */
  const optionalUser = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers.authorization !== undefined) await app.requireUser(request, reply);
  };

  app.post(
    '/v1/carts',
    {
      onRequest: optionalUser,
      schema: {
        tags: ['carts'],
        operationId: 'createCart',
        summary: 'A new empty cart (owned by the shopper when signed in, anonymous otherwise)',
        description:
          "Opens an empty cart: the signed-in shopper's when a token is sent, an anonymous one otherwise.",
        security,
        response: { 201: CartSchema, ...problemResponses([400, 401]) },
      },
    },
    async (request, reply) => reply.code(201).send(await createCart(deps, request.user?.id)),
  );

  app.get(
    '/v1/carts/:id',
    {
      onRequest: optionalUser,
      schema: {
        tags: ['carts'],
        operationId: 'getCart',
        summary: 'A cart at current prices, with its total',
        description: 'A cart with its items at current catalogue prices and its total.',
        security,
        params: CartParams,
        response: { 200: CartSchema, ...problemResponses([400, 401, 404, 503]) },
      },
    },
    async (request) => getCart(deps, request.params.id, request.user?.id, request.id),
  );

  app.put(
    '/v1/carts/:id/items/:productId',
    {
      onRequest: optionalUser,
      schema: {
        tags: ['carts'],
        operationId: 'setCartItem',
        summary: "Set an item's quantity (1..99); 0 removes it",
        description:
          'Sets how many units of one product the cart holds (1 to 99; 0 removes it) and answers the cart. 409 when the cart was already checked out.',
        security,
        params: CartItemParams,
        body: CartItemBody,
        response: { 200: CartSchema, ...problemResponses([400, 401, 404, 409, 503]) },
      },
    },
    async (request) =>
      setCartItem(deps, {
        cartId: request.params.id,
        productId: request.params.productId,
        quantity: request.body.quantity,
        viewer: request.user?.id,
        requestId: request.id,
      }),
  );
}

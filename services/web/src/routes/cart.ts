import { UUID_PATTERN } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiResult, Caller, Cart } from '../clients/storefront.js';
import { cartPage } from '../views/cart.js';
import { pageContext, sendPage, type RouteDeps } from './page-kit.js';

const Csrf = { _csrf: Type.String() };
export const AddItemBody = Type.Object({
  ...Csrf,
  productId: Type.String({ pattern: UUID_PATTERN.source }),
  quantity: Type.Optional(Type.String({ pattern: '^[0-9]{1,2}$' })),
});
export const SetItemBody = Type.Object({
  ...Csrf,
  quantity: Type.String({ pattern: '^[0-9]{1,2}$' }),
  /** The line's Remove button. */
  remove: Type.Optional(Type.Literal('1')),
});

/** The visitor's cart, if the cookie names one that is still open. */
export async function currentCart(
  deps: RouteDeps,
  request: FastifyRequest,
  caller: Caller,
): Promise<Cart | undefined> {
  const id = request.session.cartId;
  if (!id) return undefined;
  const answer = await deps.api.cart(caller, id);
  if (answer.ok && answer.body.orderId === null) return answer.body;
  request.session.setCart(undefined);
  return undefined;
}

/** The open cart, opened now when there is none (owned by the shopper when signed in). */
async function openCart(deps: RouteDeps, request: FastifyRequest, caller: Caller): Promise<Cart> {
  const cart = await currentCart(deps, request, caller);
  if (cart) return cart;
  const created = await deps.api.createCart(caller);
  if (!created.ok) throw new Error(`cart not created: ${created.status}`);
  request.session.setCart(created.body.id);
  return created.body;
}

function wantsJson(request: FastifyRequest): boolean {
  return /application\/json/.test(request.headers.accept ?? '');
}

async function answerChange(
  deps: RouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  caller: Caller,
  answer: ApiResult<Cart>,
) {
  if (wantsJson(request)) {
    if (answer.ok) {
      const count = answer.body.items.reduce((n, line) => n + line.quantity, 0);
      return reply.send({ count });
    }
    return reply
      .code(answer.status)
      .send({ message: answer.problem.detail ?? answer.problem.title });
  }
  if (answer.ok) return reply.redirect('/cart', 303);
  // Refused (too many, a product gone): the cart as it is, with the reason above it.
  const ctx = pageContext(deps, request);
  const cart = await currentCart(deps, request, caller);
  return sendPage(
    reply,
    ctx,
    cartPage(ctx, cart, answer.problem.detail ?? answer.problem.title),
    answer.status,
  );
}

export async function cartRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.get('/cart', async (request, reply) => {
    const caller = await request.session.caller();
    const cart = await currentCart(deps, request, caller);
    const ctx = pageContext(deps, request);
    return sendPage(reply, ctx, cartPage(ctx, cart));
  });

  /** Add to cart: the product's quantity goes up by the amount asked (1 by default). */
  app.post<{ Body: Static<typeof AddItemBody> }>(
    '/cart/items',
    { schema: { body: AddItemBody } },
    async (request, reply) => {
      const caller = await request.session.caller();
      const cart = await openCart(deps, request, caller);
      const { productId } = request.body;
      const existing = cart.items.find((line) => line.productId === productId)?.quantity ?? 0;
      const quantity = Math.min(99, existing + Math.max(1, Number(request.body.quantity ?? '1')));
      const answer = await deps.api.setCartItem(caller, cart.id, productId, quantity);
      return answerChange(deps, request, reply, caller, answer);
    },
  );

  app.post<{ Params: { productId: string }; Body: Static<typeof SetItemBody> }>(
    '/cart/items/:productId',
    {
      schema: {
        body: SetItemBody,
        params: Type.Object({ productId: Type.String({ pattern: UUID_PATTERN.source }) }),
      },
    },
    async (request, reply) => {
      const caller = await request.session.caller();
      const cart = await currentCart(deps, request, caller);
      if (!cart) return reply.redirect('/cart', 303);
      const quantity = request.body.remove ? 0 : Math.min(99, Number(request.body.quantity));
      const answer = await deps.api.setCartItem(
        caller,
        cart.id,
        request.params.productId,
        quantity,
      );
      return answerChange(deps, request, reply, caller, answer);
    },
  );
}

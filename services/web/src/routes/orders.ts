import { UUID_PATTERN } from '@bazaar/service-kit';
import { randomUUID } from 'node:crypto';
import { UpstreamUnavailableError } from '@bazaar/http-client';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Card, ShippingAddress } from '../clients/storefront.js';
import { checkoutPage, CHECKOUT_LABELS } from '../views/cart.js';
import { notFoundPage } from '../views/errors.js';
import { emptyForm, formFromProblem, type FormState } from '../views/forms.js';
import { orderListPage, orderPage } from '../views/orders.js';
import { currentCart } from './cart.js';
import { pageContext, sendPage, type RouteDeps } from './page-kit.js';
import { untilSettled } from './until-settled.js';

/** Answers of the storefront's order stream the page's script is given as they are. */
const PASSED_ON = new Set([204, 404, 429]);

const Text = (maxLength: number) => Type.String({ maxLength });
export const CheckoutForm = Type.Object({
  _csrf: Type.String(),
  key: Type.String({ pattern: UUID_PATTERN.source }),
  'shippingAddress.name': Text(1000),
  'shippingAddress.line1': Text(1000),
  'shippingAddress.line2': Type.Optional(Text(1000)),
  'shippingAddress.city': Text(1000),
  'shippingAddress.postalCode': Text(1000),
  'shippingAddress.country': Text(1000),
  'payment.card.number': Text(1000),
  'payment.card.expMonth': Text(1000),
  'payment.card.expYear': Text(1000),
  'payment.card.cvc': Text(1000),
});
type CheckoutForm = Static<typeof CheckoutForm>;

const IdParams = Type.Object({ id: Type.String() });
const CursorQuery = Type.Object({
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
});

/** The form as the API's body; a month or year that is not a number is refused here. */
export function checkoutBody(
  form: CheckoutForm,
): { shippingAddress: ShippingAddress; card: Card } | FormState {
  const values = { ...form } as Record<string, string>;
  const errors: Record<string, string[]> = {};
  const integer = (name: 'payment.card.expMonth' | 'payment.card.expYear') => {
    const text = form[name].trim();
    if (/^[0-9]{1,4}$/.test(text)) return Number(text);
    errors[name] = [`${CHECKOUT_LABELS[name]} must be a number.`];
    return 0;
  };
  const card: Card = {
    number: form['payment.card.number'].trim(),
    expMonth: integer('payment.card.expMonth'),
    expYear: integer('payment.card.expYear'),
    cvc: form['payment.card.cvc'].trim(),
  };
  if (Object.keys(errors).length > 0) return { values: visibleValues(values), errors };
  const line2 = form['shippingAddress.line2']?.trim();
  return {
    shippingAddress: {
      name: form['shippingAddress.name'].trim(),
      line1: form['shippingAddress.line1'].trim(),
      ...(line2 ? { line2 } : {}),
      city: form['shippingAddress.city'].trim(),
      postalCode: form['shippingAddress.postalCode'].trim(),
      country: form['shippingAddress.country'].trim().toUpperCase(),
    },
    card,
  };
}

/** What is shown again after a refusal: never the card number or its code. */
function visibleValues(values: Record<string, string>): Record<string, string> {
  const { 'payment.card.number': _n, 'payment.card.cvc': _c, _csrf, key: _key, ...rest } = values;
  return rest;
}

/** Checkout, the order page and its live status, history, cancel. All need a signed-in shopper. */
export async function orderRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { api } = deps;

  app.get('/checkout', async (request, reply) => {
    const caller = await request.session.caller();
    if (!caller.token) return reply.redirect('/signin?next=%2Fcheckout', 303);
    const cart = await currentCart(deps, request, caller);
    if (!cart || cart.items.length === 0) return reply.redirect('/cart', 303);
    const ctx = pageContext(deps, request);
    return sendPage(
      reply,
      ctx,
      checkoutPage(
        ctx,
        cart,
        emptyForm({ 'shippingAddress.name': request.session.name ?? '' }),
        randomUUID(),
      ),
    );
  });

  app.post<{ Body: CheckoutForm }>(
    '/checkout',
    { schema: { body: CheckoutForm } },
    async (request, reply) => {
      const caller = await request.session.caller();
      if (!caller.token) return reply.redirect('/signin?next=%2Fcheckout', 303);
      const cart = await currentCart(deps, request, caller);
      if (!cart || cart.items.length === 0) return reply.redirect('/cart', 303);
      const ctx = pageContext(deps, request);
      const parsed = checkoutBody(request.body);
      if ('errors' in parsed)
        return sendPage(reply, ctx, checkoutPage(ctx, cart, parsed, randomUUID()), 400);
      const values = visibleValues(request.body as Record<string, string>);
      try {
        const answer = await api.checkout(caller, request.body.key, {
          cartId: cart.id,
          shippingAddress: parsed.shippingAddress,
          payment: { card: parsed.card },
        });
        if (answer.ok) {
          request.session.setCart(undefined);
          return reply.redirect(`/orders/${answer.body.id}`, 303);
        }
        // A refusal: the shopper changes something, so the next attempt is another request.
        const form = formFromProblem(answer.problem, values, CHECKOUT_LABELS);
        return sendPage(reply, ctx, checkoutPage(ctx, cart, form, randomUUID()), answer.status);
      } catch (error) {
        if (!(error instanceof UpstreamUnavailableError)) throw error;
        request.log.warn({ err: error }, 'checkout unavailable');
        // The same key again: if the order was placed after all, retrying gives that order.
        const form: FormState = {
          values,
          errors: {},
          message: `Checkout is unavailable right now. Your cart is kept and nothing was charged; please try again in ${error.retryAfter} seconds.`,
        };
        reply.header('retry-after', String(error.retryAfter));
        return sendPage(reply, ctx, checkoutPage(ctx, cart, form, request.body.key), 503);
      }
    },
  );

  app.get<{ Querystring: Static<typeof CursorQuery> }>(
    '/orders',
    { schema: { querystring: CursorQuery } },
    async (request, reply) => {
      const caller = await request.session.caller();
      if (!caller.token) return reply.redirect('/signin?next=%2Forders', 303);
      const answer = await api.orders(caller, { limit: 20, cursor: request.query.cursor });
      const ctx = pageContext(deps, request);
      if (!answer.ok) return sendPage(reply, ctx, notFoundPage(), 404);
      const next = answer.body.nextCursor
        ? `/orders?cursor=${encodeURIComponent(answer.body.nextCursor)}`
        : undefined;
      return sendPage(reply, ctx, orderListPage(ctx, answer.body.items, next));
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/orders/:id',
    { schema: { params: IdParams } },
    async (request, reply) => {
      const ctx = pageContext(deps, request);
      const caller = await request.session.caller();
      if (!caller.token)
        return reply.redirect(`/signin?next=${encodeURIComponent(request.url)}`, 303);
      if (!UUID_PATTERN.test(request.params.id)) return sendPage(reply, ctx, notFoundPage(), 404);
      const answer = await api.order(caller, request.params.id);
      // Someone else's order is answered exactly like a missing one.
      if (!answer.ok) return sendPage(reply, ctx, notFoundPage(), 404);
      return sendPage(reply, ctx, orderPage(ctx, answer.body));
    },
  );

  /** The order's status changes, streamed through from the storefront for the page's script. */
  app.get<{ Params: Static<typeof IdParams> }>(
    '/orders/:id/events',
    { schema: { params: IdParams } },
    async (request, reply) => {
      const caller = await request.session.caller();
      if (!caller.token || !UUID_PATTERN.test(request.params.id)) return reply.code(404).send();
      const gone = new AbortController();
      reply.raw.on('close', () => gone.abort(new Error('shopper went away')));
      const lastEventId = request.headers['last-event-id'];
      const upstream = await api.orderEvents(
        caller,
        request.params.id,
        typeof lastEventId === 'string' ? lastEventId : undefined,
        gone.signal,
      );
      if (upstream.status !== 200) {
        upstream.body.destroy();
        // 204 (the order is final: the stream is over), 404 and 429 (too many streams, with
        // Retry-After) mean the same to the page's script as to any EventSource: pass them on.
        if (PASSED_ON.has(upstream.status)) {
          const retryAfter = upstream.headers['retry-after'];
          if (retryAfter !== undefined) reply.header('retry-after', retryAfter);
          return reply.code(upstream.status).send();
        }
        return reply.code(502).send();
      }
      const events = upstream.body.pipe(untilSettled());
      // Settled: stop reading from the storefront too.
      events.once('end', () => gone.abort(new Error('order settled')));
      return reply
        .code(200)
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(events);
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/orders/:id/cancel',
    { schema: { params: IdParams, body: Type.Object({ _csrf: Type.String() }) } },
    async (request, reply) => {
      const ctx = pageContext(deps, request);
      const caller = await request.session.caller();
      if (!caller.token) return reply.redirect('/signin', 303);
      if (!UUID_PATTERN.test(request.params.id)) return sendPage(reply, ctx, notFoundPage(), 404);
      const answer = await api.cancel(caller, request.params.id);
      if (answer.ok) return reply.redirect(`/orders/${request.params.id}`, 303);
      if (answer.status === 404) return sendPage(reply, ctx, notFoundPage(), 404);
      const order = await api.order(caller, request.params.id);
      if (!order.ok) return sendPage(reply, ctx, notFoundPage(), 404);
      const message = answer.problem.detail ?? 'This order can no longer be cancelled.';
      return sendPage(reply, ctx, orderPage(ctx, order.body, message), answer.status);
    },
  );
}

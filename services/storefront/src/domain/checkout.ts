import type { ServiceResponse } from '@bazaar/http-client';
import type { KnownPaymentMethod } from '../clients/known-payment-methods.js';
import type { Upstreams } from '../clients/upstreams.js';
import { errors } from '../errors.js';

export interface Card {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** How a checkout pays: a saved method (the usual way) or a card to exchange first; one of them. */
export interface CheckoutPayment {
  methodId?: string;
  card?: Card;
}

export interface CheckoutInput {
  /** The public body: `items` or `cartId`, `shippingAddress`, `payment`. */
  body: {
    items?: { productId: string; quantity: number }[];
    cartId?: string;
    shippingAddress: Record<string, unknown>;
    payment: CheckoutPayment;
  };
  /** What to pass on to payments and orders (token, idempotency key, request id). */
  headers: Record<string, string | undefined>;
  /** The signed-in shopper (the token's subject): whose saved methods may be used. */
  shopperId: string;
}

export interface CheckoutDeps {
  upstreams: Pick<Upstreams, 'payments' | 'orders' | 'paymentMethods'>;
}

type PaymentMethod = KnownPaymentMethod;

/**
 * Placing an order waits for a price lookup and a transaction at orders; under a flash sale
 * that takes longer than a read, so it gets more time than the clients' default.
 */
export const PLACE_ORDER_TIMEOUT_MS = 10_000;

function isMethod(body: unknown): body is PaymentMethod {
  const b = body as Partial<PaymentMethod> | undefined;
  return typeof b?.id === 'string' && typeof b.brand === 'string' && typeof b.last4 === 'string';
}

/** A method as a shopper sees it: nothing else payments says about it. */
export const publicMethod = ({ id, brand, last4 }: PaymentMethod): PaymentMethod => ({
  id,
  brand,
  last4,
});

/** payments names card fields `card.number`; in the checkout body they are `payment.card.number`. */
function withCheckoutFields(answer: ServiceResponse): ServiceResponse {
  const body = answer.body as { errors?: unknown } | undefined;
  if (!body || !Array.isArray(body.errors)) return answer;
  const errors = body.errors.map((error: { field?: unknown }) =>
    typeof error?.field === 'string' && /^(body\.)?card\./.test(error.field)
      ? { ...error, field: error.field.replace(/^(body\.)?card\./, '$1payment.card.') }
      : error,
  );
  return { ...answer, body: { ...body, errors } };
}

/**
 * Exchanges a card for a payment method at payments, with the shopper's token and
 * Idempotency-Key: payments keeps the key, so the same card sent again under it is the same
 * method (`idempotent-replayed`), and another card under it is 422.
 *
 * Returns the method, or payments' answer to relay (a refused card, a reused key, 503).
 */
export async function exchangeCard(
  deps: CheckoutDeps,
  card: Card,
  headers: Record<string, string | undefined>,
): Promise<{ method: PaymentMethod; answer: ServiceResponse } | { refused: ServiceResponse }> {
  const answer = await deps.upstreams.payments.request<unknown>({
    method: 'POST',
    path: '/internal/payment-methods',
    body: { card },
    headers,
    // payments dedupes on the key: sending it again after a timeout is safe.
    idempotent: headers['idempotency-key'] !== undefined,
  });
  if (answer.status >= 400) return { refused: answer };
  if (!isMethod(answer.body)) {
    throw errors.STOREFRONT_BAD_UPSTREAM_ANSWER(
      'the card could not be exchanged for a payment method',
    );
  }
  return { method: answer.body, answer };
}

/**
 * The shopper's saved method, or payments' answer to relay (404 for anyone else's). A method
 * payments confirmed to be the shopper's a moment ago is not asked again (`KnownPaymentMethods`);
 * a refusal always is.
 */
async function savedMethod(
  deps: CheckoutDeps,
  input: CheckoutInput,
  methodId: string,
): Promise<{ method: PaymentMethod } | { refused: ServiceResponse }> {
  const known = deps.upstreams.paymentMethods.get(input.shopperId, methodId);
  if (known) return { method: known };
  const answer = await deps.upstreams.payments.request<unknown>({
    method: 'GET',
    path: `/internal/payment-methods/${encodeURIComponent(methodId)}`,
    headers: input.headers,
    idempotent: true,
  });
  if (answer.status >= 400) return { refused: answer };
  if (!isMethod(answer.body)) {
    throw errors.STOREFRONT_BAD_UPSTREAM_ANSWER('the payment method could not be read');
  }
  deps.upstreams.paymentMethods.remember(input.shopperId, answer.body);
  return { method: answer.body };
}

/**
 * Checkout: the payment method (a saved one, checked at payments to be the shopper's, then kept a
 * minute so the shopper's next checkouts with it skip that call; or a card
 * exchanged first with the same Idempotency-Key), then the order at orders with the method
 * (never the card) and the same key. The storefront keeps nothing of a card: a replay exchanges the card
 * again, payments answers the method it gave under the key, so orders receives the very same
 * body and answers its first answer again.
 *
 * Returns the answer to relay: payments' refusal (4xx) or orders' answer.
 */
export async function checkout(deps: CheckoutDeps, input: CheckoutInput): Promise<ServiceResponse> {
  const { payment } = input.body;
  const found = payment.methodId
    ? await savedMethod(deps, input, payment.methodId)
    : await exchangeCard(deps, payment.card!, input.headers);
  if ('refused' in found) return withCheckoutFields(found.refused);
  return placeOrder(deps, input, found.method);
}

/** The order at orders, with the payment method in place of the card. */
function placeOrder(
  deps: CheckoutDeps,
  input: CheckoutInput,
  method: PaymentMethod,
): Promise<ServiceResponse> {
  const { payment: _payment, ...order } = input.body;
  return deps.upstreams.orders.request({
    method: 'POST',
    path: '/v1/orders',
    body: { ...order, payment: { methodId: method.id, brand: method.brand, last4: method.last4 } },
    headers: input.headers,
    timeoutMs: PLACE_ORDER_TIMEOUT_MS,
    // orders dedupes on the key: sending it again after a timeout is safe.
    idempotent: true,
  });
}

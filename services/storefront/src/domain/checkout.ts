import type { ServiceResponse } from '@bazaar/http-client';
import type { Kysely } from 'kysely';
import type { Upstreams } from '../clients/upstreams.js';
import {
  claimCheckoutPaymentMethod,
  findCheckoutPaymentMethod,
} from '../db/checkout-payment-methods-repository.js';
import type { CheckoutPaymentMethodRow, Database } from '../db/database.js';
import { errors } from '../errors.js';

export interface Card {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export interface CheckoutInput {
  userId: string;
  idempotencyKey: string;
  /** The public body: `items` or `cartId`, `shippingAddress`, `payment.card`. */
  body: {
    items?: { productId: string; quantity: number }[];
    cartId?: string;
    shippingAddress: Record<string, unknown>;
    payment: { card: Card };
  };
  /** What to pass on to payments and orders (token, idempotency key, request id). */
  headers: Record<string, string | undefined>;
}

export interface CheckoutDeps {
  db: Kysely<Database>;
  upstreams: Pick<Upstreams, 'payments' | 'orders'>;
}

interface PaymentMethod {
  id: string;
  brand: string;
  last4: string;
}

/**
 * Placing an order waits for a price lookup and a transaction at orders; under a flash sale
 * that takes longer than a read, so it gets more time than the clients' default.
 */
export const PLACE_ORDER_TIMEOUT_MS = 10_000;

const digitsOf = (number: string) => number.replace(/\D/g, '');

/** The key's remembered method fits this card (the same card sent again): reuse it. */
function sameCard(row: CheckoutPaymentMethodRow, card: Card): boolean {
  return (
    row.last4 === digitsOf(card.number).slice(-4) &&
    row.exp_month === card.expMonth &&
    row.exp_year === card.expYear
  );
}

const methodOf = (row: CheckoutPaymentMethodRow): PaymentMethod => ({
  id: row.payment_method_id,
  brand: row.brand,
  last4: row.last4,
});

function isMethod(body: unknown): body is PaymentMethod {
  const b = body as Partial<PaymentMethod> | undefined;
  return typeof b?.id === 'string' && typeof b.brand === 'string' && typeof b.last4 === 'string';
}

/** payments names card fields `card.number`; in the public body they are `payment.card.number`. */
function withCardFields(answer: ServiceResponse): ServiceResponse {
  const body = answer.body as { errors?: unknown } | undefined;
  if (!body || !Array.isArray(body.errors)) return answer;
  const errors = body.errors.map((error: { field?: unknown }) =>
    typeof error?.field === 'string' && error.field.startsWith('card.')
      ? { ...error, field: `payment.${error.field}` }
      : error,
  );
  return { ...answer, body: { ...body, errors } };
}

/**
 * Checkout: exchange the card for a payment method at payments, then place the order at orders
 * with the method (never the card) and the same Idempotency-Key.
 *
 * Replays: the first checkout with a key records the method it got (per shopper and key); a
 * replay with the same card reuses it, so orders receives the very same body and answers its
 * first answer again; no second method is ever shown to orders. A replay with another card
 * exchanges that card, and orders refuses the key with another body (422), as it should.
 * Two concurrent first attempts: each exchanges, the first to record wins, both send its method;
 * the loser's method stays unused at payments.
 *
 * Returns the answer to relay: payments' refusal of the card (4xx) or orders' answer.
 */
export async function checkout(deps: CheckoutDeps, input: CheckoutInput): Promise<ServiceResponse> {
  const { card } = input.body.payment;
  const remembered = await findCheckoutPaymentMethod(deps.db, input.userId, input.idempotencyKey);
  if (remembered && sameCard(remembered, card)) {
    return placeOrder(deps, input, methodOf(remembered));
  }
  const exchanged = await deps.upstreams.payments.request<unknown>({
    method: 'POST',
    path: '/internal/payment-methods',
    body: { card },
    headers: input.headers,
  });
  if (exchanged.status >= 400) return withCardFields(exchanged);
  if (!isMethod(exchanged.body)) {
    throw errors.STOREFRONT_BAD_UPSTREAM_ANSWER(
      'the card could not be exchanged for a payment method',
    );
  }
  // Another card under a used key: orders will say 422.
  if (remembered) return placeOrder(deps, input, exchanged.body);
  const claimed = await claimCheckoutPaymentMethod(deps.db, {
    user_id: input.userId,
    idempotency_key: input.idempotencyKey,
    payment_method_id: exchanged.body.id,
    brand: exchanged.body.brand,
    last4: exchanged.body.last4,
    exp_month: card.expMonth,
    exp_year: card.expYear,
  });
  return placeOrder(deps, input, methodOf(claimed));
}

/** The order at orders, with the payment method in place of the card. */
function placeOrder(
  deps: CheckoutDeps,
  input: CheckoutInput,
  method: PaymentMethod,
): Promise<ServiceResponse> {
  const { payment: _card, ...order } = input.body;
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

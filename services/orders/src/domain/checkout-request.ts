import type { CartRecord } from '../db/carts-repository.js';
import { errors } from '../errors.js';
import { isCountryCode } from './country-codes.js';
import type { PaymentMethod, ShippingAddress } from './order.js';
import { duplicateProductId, type RequestedLine } from './pricing.js';
import { fingerprint } from './request-fingerprint.js';

/** A checkout request as the route validated it. */
export interface CheckoutRequest {
  /** Price fields a client may send along; they are ignored (catalog's prices are used). */
  items?: (RequestedLine & { unitPrice?: unknown; price?: unknown })[];
  cartId?: string;
  shippingAddress: ShippingAddress;
  payment: PaymentMethod;
  total?: unknown;
}

/** What the schema cannot say: items or a cart (exactly one), a real country code. */
export function checkCheckoutRequest(request: CheckoutRequest): void {
  if ((request.items === undefined) === (request.cartId === undefined)) {
    throw errors.ORDERS_INVALID_CHECKOUT('give either items or cartId, not both or neither');
  }
  const { country } = request.shippingAddress;
  if (!isCountryCode(country)) {
    throw errors.ORDERS_INVALID_CHECKOUT(
      `shippingAddress.country ${JSON.stringify(country)} is not an ISO 3166-1 alpha-2 country code`,
      { errors: [{ field: 'body.shippingAddress.country', message: 'is not a country code' }] },
    );
  }
}

/**
 * The request's idempotency fingerprint, over what it means: ignored price fields are left out
 * (a retry that differs only in them is the same request), key order does not matter.
 */
export function checkoutFingerprint(request: CheckoutRequest): string {
  return fingerprint({
    items: request.items?.map(({ productId, quantity }) => ({ productId, quantity })),
    cartId: request.cartId,
    shippingAddress: request.shippingAddress,
    payment: request.payment,
  });
}

/** The lines to order: the cart's (never empty), or the request's (each product once). */
export function requestedLines(
  request: CheckoutRequest,
  cart: CartRecord | undefined,
): RequestedLine[] {
  if (cart) {
    if (cart.items.length === 0) throw errors.ORDERS_CART_EMPTY(`cart ${cart.id} has no items`);
    return cart.items;
  }
  const lines = request.items!.map(({ productId, quantity }) => ({ productId, quantity }));
  const duplicate = duplicateProductId(lines);
  if (duplicate) {
    throw errors.ORDERS_DUPLICATE_PRODUCT(`items lists product ${duplicate} more than once`, {
      productId: duplicate,
    });
  }
  return lines;
}

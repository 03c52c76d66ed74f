import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { findCart, markCartCheckedOut, type CartRecord } from '../db/carts-repository.js';
import type { Database } from '../db/database.js';
import {
  claimIdempotencyKey,
  findIdempotencyKey,
  type StoredAnswer,
} from '../db/idempotency-repository.js';
import { insertOrder, insertStatusChange } from '../db/orders-repository.js';
import { errors } from '../errors.js';
import { writeOrderCreated } from './order-events.js';
import type { SagaMetrics } from '../metrics/saga-metrics.js';
import { isCountryCode } from './country-codes.js';
import { lookupPricesOrFail } from './lookup-prices.js';
import { CurrencyMismatchError } from './money.js';
import type { Order, PaymentMethod, ShippingAddress } from './order.js';
import { orderView, type OrderView } from './order-view.js';
import { duplicateProductId, priceLines, type PricedLine, type RequestedLine } from './pricing.js';
import type { PriceSource } from './catalog-prices.js';
import { fingerprint } from './request-fingerprint.js';

export interface PlaceOrderDeps {
  db: Kysely<Database>;
  catalog: PriceSource;
  metrics: SagaMetrics;
  now: () => Date;
}

/** A checkout request as the route validated it. */
export interface CheckoutRequest {
  /** Price fields a client may send along; they are ignored (catalog's prices are used). */
  items?: (RequestedLine & { unitPrice?: unknown; price?: unknown })[];
  cartId?: string;
  shippingAddress: ShippingAddress;
  payment: PaymentMethod;
  total?: unknown;
}

export interface PlaceOrderInput {
  userId: string;
  idempotencyKey: string;
  request: CheckoutRequest;
  /** The shopper's `authorization` header, passed on to catalog. */
  authorization?: string;
}

export interface PlaceOrderResult {
  /** True when this is the stored first answer to an earlier request with the same key. */
  replayed: boolean;
  /** The order as answered (202) the first time. */
  body: OrderView;
}

/**
 * What the request means, for the idempotency fingerprint: ignored price fields are left out
 * (a retry that differs only in them is the same request), key order does not matter.
 */
function meaningOf(request: CheckoutRequest): unknown {
  return {
    items: request.items?.map(({ productId, quantity }) => ({ productId, quantity })),
    cartId: request.cartId,
    shippingAddress: request.shippingAddress,
    payment: request.payment,
  };
}

function replay(stored: StoredAnswer, print: string): PlaceOrderResult {
  if (stored.fingerprint !== print) {
    throw errors.ORDERS_IDEMPOTENCY_KEY_REUSED(
      'this Idempotency-Key was used with a different request body; use a new key for a new order',
    );
  }
  return { replayed: true, body: stored.body as OrderView };
}

function requestedLines(request: CheckoutRequest, cart: CartRecord | undefined): RequestedLine[] {
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

async function priceOrder(
  deps: PlaceOrderDeps,
  requested: RequestedLine[],
  authorization: string | undefined,
): Promise<{ lines: PricedLine[]; total: Order['total'] }> {
  const lookup = await lookupPricesOrFail(
    deps.catalog,
    requested.map((l) => l.productId),
    authorization,
  );
  let result;
  try {
    result = priceLines(requested, lookup);
  } catch (error) {
    if (error instanceof CurrencyMismatchError) {
      throw errors.ORDERS_CURRENCY_MISMATCH(error.message, { currencies: error.currencies });
    }
    throw error;
  }
  if (result.kind === 'unknown_products') {
    throw errors.ORDERS_UNKNOWN_PRODUCTS(`unknown products: ${result.productIds.join(', ')}`, {
      productIds: result.productIds,
    });
  }
  if (result.kind === 'short') {
    throw errors.ORDERS_INSUFFICIENT_STOCK(
      `not enough stock for ${result.shortages.map((s) => s.productId).join(', ')}`,
      { shortages: result.shortages },
    );
  }
  return result;
}

/**
 * Checkout. Replays the stored answer for a key already used with the same request (422 for
 * another request). Otherwise prices the lines at catalog (nothing is written when catalog
 * cannot answer), then in ONE transaction claims the key, writes the order `pending` with its
 * lines and first history row, marks the cart (if any) checked out and writes `order.created`
 * to the outbox. A simultaneous request with the same key waits on the key's row and then
 * replays this one's answer.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  input: PlaceOrderInput,
): Promise<PlaceOrderResult> {
  const { db } = deps;
  const { userId, idempotencyKey: key, request } = input;
  const print = fingerprint(meaningOf(request));
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

  const earlier = await findIdempotencyKey(db, userId, key);
  if (earlier) return replay(earlier, print);

  for (let attempt = 1; attempt <= CART_ATTEMPTS; attempt++) {
    const result = await checkoutOnce(deps, input, print);
    if (result !== 'cart_changed') return result;
  }
  throw errors.ORDERS_CART_CHANGED(
    `cart ${request.cartId} kept changing during checkout; check it out again`,
  );
}

/** Tries before a cart edited during every one of them makes checkout give up (409). */
const CART_ATTEMPTS = 3;

const sameItems = (a: CartRecord['items'], b: CartRecord['items']) =>
  a.length === b.length &&
  a.every((item, i) => item.productId === b[i].productId && item.quantity === b[i].quantity);

/**
 * One try of checkout after the key was found unused: read the cart (if any), price, then write
 * everything in one transaction. `cart_changed` when the cart was edited between the read and
 * the transaction: marking the cart checked out takes the row lock every edit takes, so once it
 * is held the items read again are final — an edit that committed before is seen (and this try
 * is rolled back to be priced again), an edit after waits and then finds the cart checked out
 * (409). Either way no edit that answered 200 is left out of the order.
 */
async function checkoutOnce(
  deps: PlaceOrderDeps,
  input: PlaceOrderInput,
  print: string,
): Promise<PlaceOrderResult | 'cart_changed'> {
  const { db } = deps;
  const { userId, idempotencyKey: key, request } = input;
  let cart: CartRecord | undefined;
  if (request.cartId) {
    cart = await findCart(db, request.cartId);
    if (!cart || (cart.userId !== null && cart.userId !== userId)) {
      throw errors.ORDERS_CART_NOT_FOUND(`no cart ${request.cartId}`);
    }
    if (cart.orderId) {
      // Perhaps by a simultaneous request with this very key that has just committed.
      const winner = await findIdempotencyKey(db, userId, key);
      if (winner) return replay(winner, print);
      throw errors.ORDERS_CART_CHECKED_OUT(`cart ${cart.id} became order ${cart.orderId}`);
    }
  }

  const { lines, total } = await priceOrder(
    deps,
    requestedLines(request, cart),
    input.authorization,
  );
  const at = deps.now();
  const order: Order = {
    id: uuidv7(),
    userId,
    status: 'pending',
    cancelReason: null,
    lines,
    total,
    shippingAddress: request.shippingAddress,
    payment: request.payment,
    statusHistory: [{ seq: 0, status: 'pending', reason: 'placed', at }],
    createdAt: at,
    updatedAt: at,
  };
  const body = orderView(order);

  const cartChanged = new Error('cart changed');
  let claimed: boolean;
  try {
    claimed = await db.transaction().execute(async (trx) => {
      const answer = { fingerprint: print, orderId: order.id, status: 202, body };
      if (!(await claimIdempotencyKey(trx, userId, key, answer))) return false;
      if (cart) {
        if (!(await markCartCheckedOut(trx, cart.id, order.id, at))) {
          throw errors.ORDERS_CART_CHECKED_OUT(`cart ${cart.id} was checked out meanwhile`);
        }
        const locked = await findCart(trx, cart.id);
        if (!sameItems(locked!.items, cart.items)) throw cartChanged;
      }
      await insertOrder(trx, { ...order, cartId: cart?.id ?? null });
      await insertStatusChange(trx, order.id, 'pending', 'placed', at);
      await writeOrderCreated(trx, { ...order, paymentMethodId: order.payment.methodId }, at);
      return true;
    });
  } catch (error) {
    if (error === cartChanged) return 'cart_changed';
    throw error;
  }
  if (!claimed) {
    const winner = await findIdempotencyKey(db, userId, key);
    // The winner committed (that is why the claim conflicted), so its row is there.
    return replay(winner!, print);
  }
  deps.metrics.transitioned('pending', 'placed');
  return { replayed: false, body };
}

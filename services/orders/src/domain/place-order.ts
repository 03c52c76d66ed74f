import { toOutboxRows } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { findCart, markCartCheckedOut, type CartRecord } from '../db/carts-repository.js';
import type { Database } from '../db/database.js';
import { claimIdempotencyKey, findIdempotencyKey } from '../db/idempotency-repository.js';
import { insertOrder, insertOrderClaimingKey } from '../db/orders-repository.js';
import { errors } from '../errors.js';
import type { SagaMetrics } from '../metrics/saga-metrics.js';
import type { PriceSource } from './catalog-prices.js';
import {
  checkCheckoutRequest,
  checkoutFingerprint,
  requestedLines,
  type CheckoutRequest,
} from './checkout-request.js';
import type { Money } from './money.js';
import type { Order } from './order.js';
import { orderCreatedEvent, writeOrderCreated } from './order-events.js';
import { orderView, type OrderView } from './order-view.js';
import { priceOrder } from './price-order.js';
import type { PricedLine } from './pricing.js';

export interface PlaceOrderDeps {
  db: Kysely<Database>;
  catalog: PriceSource;
  metrics: SagaMetrics;
  now: () => Date;
}

export interface PlaceOrderInput {
  userId: string;
  idempotencyKey: string;
  request: CheckoutRequest;
  /** The request's id, passed on to catalog's price lookup (one id in every service's logs). */
  requestId?: string;
}

export interface PlaceOrderResult {
  /** True when this is the stored first answer to an earlier request with the same key. */
  replayed: boolean;
  /** The order as answered (202) the first time. */
  body: OrderView;
}

/** Tries before a cart edited during every one of them makes checkout give up (409). */
const CART_ATTEMPTS = 3;

/**
 * Checkout. Replays the stored answer for a key already used with the same request (422 for
 * another request). Otherwise prices the lines at catalog (nothing is written when catalog
 * cannot answer), then claims the key, writes the order `pending` with its lines and first
 * history row, marks the cart (if any) checked out and writes `order.created` to the outbox, all
 * or nothing. A simultaneous request with the same key waits on the key's row and then replays
 * this one's answer.
 *
 * Items (no cart), the usual checkout: the key is not read first. The claim in the one write
 * statement finds a key used before (then the stored answer is read), and so does a failure to
 * price (a retry of an order placed, or a reused key, answers as it would have before pricing):
 * the same answers as reading first, one statement fewer for every order that is new.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  input: PlaceOrderInput,
): Promise<PlaceOrderResult> {
  checkCheckoutRequest(input.request);
  const print = checkoutFingerprint(input.request);
  if (!input.request.cartId) return checkoutItems(deps, input, print);

  const earlier = await answeredBefore(deps.db, input, print);
  if (earlier) return earlier;

  for (let attempt = 1; attempt <= CART_ATTEMPTS; attempt++) {
    const result = await checkoutOnce(deps, input, print);
    if (result !== 'cart_changed') return result;
  }
  throw errors.ORDERS_CART_CHANGED(
    `cart ${input.request.cartId} kept changing during checkout; check it out again`,
  );
}

/** Checkout of the request's items: priced, then written in one statement (see placeOrder). */
async function checkoutItems(
  deps: PlaceOrderDeps,
  input: PlaceOrderInput,
  print: string,
): Promise<PlaceOrderResult> {
  let priced: { lines: PricedLine[]; total: Money };
  try {
    priced = await priceOrder(
      deps.catalog,
      requestedLines(input.request, undefined),
      input.requestId,
    );
  } catch (error) {
    const earlier = await answeredBefore(deps.db, input, print);
    if (earlier) return earlier;
    throw error;
  }
  const order = newOrder(input, priced.lines, priced.total, deps.now());
  const body = orderView(order);
  const event = toOutboxRows([
    orderCreatedEvent({ ...order, paymentMethodId: order.payment.methodId }, order.createdAt),
  ])[0]!;
  const claim = { key: input.idempotencyKey, fingerprint: print, body };
  if (!(await insertOrderClaimingKey(deps.db, { ...order, cartId: null }, claim, event))) {
    // The key's first request committed (that is why the claim conflicted): its answer is there.
    return (await answeredBefore(deps.db, input, print))!;
  }
  deps.metrics.transitioned('pending', 'placed');
  return { replayed: false, body };
}

/**
 * One try of checkout after the key was found unused: read the cart (if any), price, then write
 * everything in one transaction. `cart_changed` when the cart was edited between the read and
 * the transaction (see {@link saveOrder}); the caller prices it again.
 */
async function checkoutOnce(
  deps: PlaceOrderDeps,
  input: PlaceOrderInput,
  print: string,
): Promise<PlaceOrderResult | 'cart_changed'> {
  const cart = await openCart(deps.db, input, print);
  if (cart && 'replayed' in cart) return cart;

  const { lines, total } = await priceOrder(
    deps.catalog,
    requestedLines(input.request, cart),
    input.requestId,
  );
  const order = newOrder(input, lines, total, deps.now());
  const body = orderView(order);

  const saved = await saveOrder(deps.db, { input, order, body, cart, print });
  if (saved === 'cart_changed') return saved;
  if (saved === 'key_taken') {
    // The winner committed (that is why the claim conflicted), so its answer is there.
    return (await answeredBefore(deps.db, input, print))!;
  }
  deps.metrics.transitioned('pending', 'placed');
  return { replayed: false, body };
}

/**
 * The first answer to this (shopper, key), replayed, when there is one; a 422 when it answered
 * another request.
 */
async function answeredBefore(
  db: Kysely<Database>,
  input: PlaceOrderInput,
  print: string,
): Promise<PlaceOrderResult | undefined> {
  const stored = await findIdempotencyKey(db, input.userId, input.idempotencyKey);
  if (!stored) return undefined;
  if (stored.fingerprint !== print) {
    throw errors.ORDERS_IDEMPOTENCY_KEY_REUSED(
      'this Idempotency-Key was used with a different request body; use a new key for a new order',
    );
  }
  return { replayed: true, body: stored.body as OrderView };
}

/**
 * The shopper's cart to check out, when the request names one; the stored answer when that
 * cart was just checked out by a simultaneous request with this very key.
 */
async function openCart(
  db: Kysely<Database>,
  input: PlaceOrderInput,
  print: string,
): Promise<CartRecord | PlaceOrderResult | undefined> {
  const { cartId } = input.request;
  if (!cartId) return undefined;
  const cart = await findCart(db, cartId);
  if (!cart || (cart.userId !== null && cart.userId !== input.userId)) {
    throw errors.ORDERS_CART_NOT_FOUND(`no cart ${cartId}`);
  }
  if (cart.orderId) {
    const winner = await answeredBefore(db, input, print);
    if (winner) return winner;
    throw errors.ORDERS_CART_CHECKED_OUT(`cart ${cart.id} became order ${cart.orderId}`);
  }
  return cart;
}

function newOrder(input: PlaceOrderInput, lines: PricedLine[], total: Money, at: Date): Order {
  return {
    id: uuidv7(),
    userId: input.userId,
    status: 'pending',
    cancelReason: null,
    lines,
    total,
    shippingAddress: input.request.shippingAddress,
    payment: input.request.payment,
    statusHistory: [{ seq: 0, status: 'pending', reason: 'placed', at }],
    createdAt: at,
    updatedAt: at,
  };
}

const sameItems = (a: CartRecord['items'], b: CartRecord['items']) =>
  a.length === b.length &&
  a.every((item, i) => item.productId === b[i].productId && item.quantity === b[i].quantity);

/**
 * The transaction: claims the key with the answer to replay, marks the cart checked out, writes
 * the order, its first history row and `order.created`. `key_taken` when a simultaneous request
 * with the same key committed first. `cart_changed` (rolled back) when the cart was edited since
 * it was read: marking the cart checked out takes the row lock every edit takes, so once it is
 * held the items read again are final — an edit that committed before is seen here, an edit
 * after waits and then finds the cart checked out (409). Either way no edit that answered 200
 * is left out of the order.
 */
async function saveOrder(
  db: Kysely<Database>,
  args: {
    input: PlaceOrderInput;
    order: Order;
    body: OrderView;
    cart: CartRecord | undefined;
    print: string;
  },
): Promise<'saved' | 'key_taken' | 'cart_changed'> {
  const { input, order, body, cart, print } = args;
  const at = order.createdAt;
  const cartChanged = new Error('cart changed');
  try {
    return await db.transaction().execute(async (trx) => {
      const answer = { fingerprint: print, orderId: order.id, body };
      if (!(await claimIdempotencyKey(trx, input.userId, input.idempotencyKey, answer))) {
        return 'key_taken';
      }
      if (cart) {
        if (!(await markCartCheckedOut(trx, cart.id, order.id, at))) {
          throw errors.ORDERS_CART_CHECKED_OUT(`cart ${cart.id} was checked out meanwhile`);
        }
        const locked = await findCart(trx, cart.id);
        if (!sameItems(locked!.items, cart.items)) throw cartChanged;
      }
      // The order, its lines and its `pending` history row: one statement.
      await insertOrder(trx, { ...order, cartId: cart?.id ?? null }, { reason: 'placed', at });
      await writeOrderCreated(trx, { ...order, paymentMethodId: order.payment.methodId }, at);
      return 'saved';
    });
  } catch (error) {
    if (error === cartChanged) return 'cart_changed';
    throw error;
  }
}

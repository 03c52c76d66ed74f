import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import {
  deleteCartItem,
  findCart,
  insertCart,
  upsertCartItem,
  type CartRecord,
} from '../db/carts-repository.js';
import type { Database } from '../db/database.js';
import { errors } from '../errors.js';
import { MAX_LOOKUP_IDS, type PriceLookup, type PriceSource } from './catalog-prices.js';
import { lookupPricesOrFail } from './lookup-prices.js';
import { sum, type Money } from './money.js';
import { priceLine, type PricedLine } from './pricing.js';

/** Most distinct products in one cart: what one price lookup (and one order) can hold. */
export const MAX_CART_ITEMS = MAX_LOOKUP_IDS;

export interface CartDeps {
  db: Kysely<Database>;
  catalog: PriceSource;
  now: () => Date;
}

/** A cart as the API shows it, priced at catalog's current prices. */
export interface CartView {
  id: string;
  /** The order this cart became, once checked out (then it is read-only). */
  orderId: string | null;
  items: (PricedLine & { available: number })[];
  /** Items whose product catalog no longer knows: not in the total; remove them with quantity 0. */
  missing: { productId: string; quantity: number }[];
  total: Money;
  createdAt: string;
  updatedAt: string;
}

/** Who is looking: a shopper's id, or undefined for an anonymous caller. */
export type Viewer = string | undefined;

export function cartView(cart: CartRecord, lookup: PriceLookup): CartView {
  const byId = new Map(lookup.items.map((p) => [p.productId, p]));
  const items: CartView['items'] = [];
  const missing: CartView['missing'] = [];
  for (const item of cart.items) {
    const product = byId.get(item.productId);
    if (product) items.push({ ...priceLine(product, item.quantity), available: product.available });
    else missing.push(item);
  }
  return {
    id: cart.id,
    orderId: cart.orderId,
    items,
    missing,
    total: sum(items.map((i) => i.lineTotal)),
    createdAt: cart.createdAt.toISOString(),
    updatedAt: cart.updatedAt.toISOString(),
  };
}

/**
 * An anonymous cart is reachable by its id alone (the unguessable id is the capability); an
 * owned cart only by its owner. Anyone else gets the same 404 as for a cart that does not exist.
 */
function visible(cart: CartRecord | undefined, viewer: Viewer): cart is CartRecord {
  return cart !== undefined && (cart.userId === null || cart.userId === viewer);
}

async function priced(deps: CartDeps, cart: CartRecord, requestId?: string) {
  const ids = cart.items.map((i) => i.productId);
  const lookup =
    ids.length === 0
      ? { items: [], unknown: [] }
      : await lookupPricesOrFail(deps.catalog, ids, requestId);
  return cartView(cart, lookup);
}

/** A new, empty cart, owned by the viewer when signed in, anonymous otherwise. */
export async function createCart(deps: CartDeps, viewer: Viewer): Promise<CartView> {
  const at = deps.now();
  const id = uuidv7();
  await insertCart(deps.db, { id, userId: viewer ?? null, at });
  return cartView(
    { id, userId: viewer ?? null, orderId: null, items: [], createdAt: at, updatedAt: at },
    { items: [], unknown: [] },
  );
}

export async function getCart(
  deps: CartDeps,
  cartId: string,
  viewer: Viewer,
  requestId?: string,
): Promise<CartView> {
  const cart = await findCart(deps.db, cartId);
  if (!visible(cart, viewer)) throw errors.ORDERS_CART_NOT_FOUND(`no cart ${cartId}`);
  return priced(deps, cart, requestId);
}

/**
 * Sets one item's quantity (1..99); 0 removes it. A product catalog does not know is a 400
 * naming it. Prices are looked up before anything is written, so when catalog is away the
 * answer is a 503 and the cart is unchanged. The cart row is locked while it changes, so a
 * checkout in progress and an edit never interleave; a checked-out cart is read-only (409).
 */
export async function setCartItem(
  deps: CartDeps,
  input: {
    cartId: string;
    productId: string;
    quantity: number;
    viewer: Viewer;
    /** The request's id, for catalog's logs. */
    requestId?: string;
  },
): Promise<CartView> {
  const { cartId, productId, quantity } = input;
  const before = await findCart(deps.db, cartId);
  if (!visible(before, input.viewer)) throw errors.ORDERS_CART_NOT_FOUND(`no cart ${cartId}`);
  if (before.orderId) {
    throw errors.ORDERS_CART_CHECKED_OUT(`cart ${cartId} became order ${before.orderId}`);
  }
  const ids = [...new Set([...before.items.map((i) => i.productId), productId])];
  const lookup = await lookupPricesOrFail(deps.catalog, ids, input.requestId);
  if (quantity > 0 && !lookup.items.some((p) => p.productId === productId)) {
    throw errors.ORDERS_UNKNOWN_PRODUCTS(`unknown products: ${productId}`, {
      productIds: [productId],
    });
  }

  const after = await deps.db.transaction().execute(async (trx) => {
    const cart = (await findCart(trx, cartId, { lock: true }))!;
    if (cart.orderId) {
      throw errors.ORDERS_CART_CHECKED_OUT(`cart ${cartId} became order ${cart.orderId}`);
    }
    const isNew = !cart.items.some((i) => i.productId === productId);
    if (quantity > 0 && isNew && cart.items.length >= MAX_CART_ITEMS) {
      throw errors.ORDERS_CART_FULL(`a cart holds at most ${MAX_CART_ITEMS} different products`);
    }
    const at = deps.now();
    if (quantity === 0) await deleteCartItem(trx, cartId, productId, at);
    else await upsertCartItem(trx, cartId, productId, quantity, at);
    return (await findCart(trx, cartId))!;
  });
  // Another request may have added an item meanwhile: price it too rather than call it missing.
  if (after.items.some((i) => !ids.includes(i.productId)))
    return priced(deps, after, input.requestId);
  return cartView(after, lookup);
}

import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface CartRecord {
  id: string;
  userId: string | null;
  orderId: string | null;
  items: { productId: string; quantity: number }[];
  createdAt: Date;
  updatedAt: Date;
}

export async function insertCart(
  db: Db,
  cart: { id: string; userId: string | null; at: Date },
): Promise<void> {
  await db
    .insertInto('carts')
    .values({ id: cart.id, user_id: cart.userId, created_at: cart.at, updated_at: cart.at })
    .execute();
}

/** A cart and its items (oldest first); `lock` holds the cart row until the transaction ends. */
export async function findCart(
  db: Db,
  cartId: string,
  options: { lock?: boolean } = {},
): Promise<CartRecord | undefined> {
  let select = db.selectFrom('carts').selectAll().where('id', '=', cartId);
  if (options.lock) select = select.forUpdate();
  const cart = await select.executeTakeFirst();
  if (!cart) return undefined;
  const items = await db
    .selectFrom('cart_items')
    .select(['product_id', 'quantity'])
    .where('cart_id', '=', cartId)
    .orderBy('added_at')
    .orderBy('product_id')
    .execute();
  return {
    id: cart.id,
    userId: cart.user_id,
    orderId: cart.order_id,
    items: items.map((i) => ({ productId: i.product_id, quantity: i.quantity })),
    createdAt: cart.created_at,
    updatedAt: cart.updated_at,
  };
}

/** Sets an item's quantity (inserting it when new); the cart's `updated_at` moves too. */
export async function upsertCartItem(
  trx: Transaction<Database>,
  cartId: string,
  productId: string,
  quantity: number,
  at: Date,
): Promise<void> {
  await trx
    .insertInto('cart_items')
    .values({ cart_id: cartId, product_id: productId, quantity, added_at: at })
    .onConflict((oc) => oc.columns(['cart_id', 'product_id']).doUpdateSet({ quantity }))
    .execute();
  await trx.updateTable('carts').set({ updated_at: at }).where('id', '=', cartId).execute();
}

export async function deleteCartItem(
  trx: Transaction<Database>,
  cartId: string,
  productId: string,
  at: Date,
): Promise<void> {
  await trx
    .deleteFrom('cart_items')
    .where('cart_id', '=', cartId)
    .where('product_id', '=', productId)
    .execute();
  await trx.updateTable('carts').set({ updated_at: at }).where('id', '=', cartId).execute();
}

/**
 * Marks a cart as turned into an order; false when it already was (by a concurrent checkout),
 * so a cart becomes at most one order.
 */
export async function markCartCheckedOut(
  trx: Transaction<Database>,
  cartId: string,
  orderId: string,
  at: Date,
): Promise<boolean> {
  const result = await trx
    .updateTable('carts')
    .set({ order_id: orderId, updated_at: at })
    .where('id', '=', cartId)
    .where('order_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

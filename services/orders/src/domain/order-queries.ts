import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findOrder, listOrders } from '../db/orders-repository.js';
import { errors } from '../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Order } from './order.js';
import type { OrderStatus } from './order-state.js';

/**
 * One order for its owner. Another shopper's order answers exactly like a missing one (404),
 * so order ids leak nothing (BOLA).
 */
export async function getOwnOrder(
  db: Kysely<Database>,
  orderId: string,
  userId: string,
): Promise<Order> {
  const order = await findOrder(db, orderId);
  if (!order || order.userId !== userId) throw errors.ORDERS_NOT_FOUND(`no order ${orderId}`);
  return order;
}

export interface OrderPage {
  items: Order[];
  nextCursor: string | null;
}

/** A page of orders, newest first: a shopper's own (`userId`) or everyone's by status (admin). */
export async function listOrderPage(
  db: Kysely<Database>,
  query: { userId?: string; status?: OrderStatus; limit: number; cursor?: string },
): Promise<OrderPage> {
  let beforeId: string | undefined;
  if (query.cursor !== undefined) {
    beforeId = decodeCursor(query.cursor);
    if (!beforeId) throw errors.ORDERS_INVALID_CURSOR('the cursor is not one this list gave out');
  }
  const rows = await listOrders(db, {
    userId: query.userId,
    status: query.status,
    beforeId,
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1].id) : null };
}

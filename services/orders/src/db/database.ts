import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Table types of the orders database (kysely: `Generated<>` for defaults, `T | null`, never optional). */
export interface Database {
  carts: CartsTable;
  cart_items: CartItemsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_status_history: OrderStatusHistoryTable;
  idempotency_keys: IdempotencyKeysTable;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CartsTable {
  id: string;
  user_id: string | null;
  order_id: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface CartItemsTable {
  cart_id: string;
  product_id: string;
  quantity: number;
  added_at: DefaultedTimestamp;
}

export interface OrdersTable {
  id: string;
  user_id: string;
  status: string;
  cancel_reason: string | null;
  total_amount: number;
  currency: string;
  /** A `ShippingAddress`; jsonb. */
  shipping_address: ColumnType<unknown, string, string>;
  payment_method_id: string;
  payment_brand: string;
  payment_last4: string;
  cart_id: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface OrderLinesTable {
  order_id: string;
  line_no: number;
  product_id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_price_amount: number;
  currency: string;
}

export interface OrderStatusHistoryTable {
  seq: Generated<number>;
  order_id: string;
  status: string;
  reason: string;
  at: Timestamp;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  fingerprint: string;
  order_id: string;
  /** The first answer's body, replayed as it was; jsonb. */
  response_body: ColumnType<unknown, string, string>;
  created_at: DefaultedTimestamp;
}

export type OrderRow = Selectable<OrdersTable>;
export type NewOrderRow = Insertable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type StatusHistoryRow = Selectable<OrderStatusHistoryTable>;
export type CartRow = Selectable<CartsTable>;
export type CartItemRow = Selectable<CartItemsTable>;

import type { Money } from './money.js';
import type { OrderStatus, StatusReason } from './order-state.js';
import type { PricedLine } from './pricing.js';

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/** The payment method payments handed out for the shopper's card; never card data. */
export interface PaymentMethod {
  methodId: string;
  brand: string;
  last4: string;
}

/** A line of an order: as catalog priced it at checkout, kept with the order. */
export type OrderLine = PricedLine;

export interface StatusChange {
  /** Position in the order's history (also the SSE event id). */
  seq: number;
  status: OrderStatus;
  reason: StatusReason;
  at: Date;
}

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  cancelReason: string | null;
  lines: OrderLine[];
  total: Money;
  shippingAddress: ShippingAddress;
  payment: PaymentMethod;
  statusHistory: StatusChange[];
  createdAt: Date;
  updatedAt: Date;
}

/** An order's head row, enough to decide a transition. */
export interface OrderHead {
  id: string;
  userId: string;
  status: OrderStatus;
  total: Money;
  createdAt: Date;
}

import type { Money } from './money.js';
import type { Order, OrderLine, ShippingAddress } from './order.js';
import type { OrderStatus, StatusReason } from './order-state.js';

/** An order as the API shows it (JSON-ready: times are ISO strings, no card data, no token). */
export interface OrderView {
  id: string;
  userId: string;
  status: OrderStatus;
  cancelReason: string | null;
  lines: OrderLine[];
  total: Money;
  statusHistory: { status: OrderStatus; reason: StatusReason; at: string }[];
  shippingAddress: ShippingAddress;
  payment: { brand: string; last4: string };
  createdAt: string;
  updatedAt: string;
}

export function orderView(order: Order): OrderView {
  return {
    id: order.id,
    userId: order.userId,
    status: order.status,
    cancelReason: order.cancelReason,
    lines: order.lines,
    total: order.total,
    statusHistory: order.statusHistory.map((change) => ({
      status: change.status,
      reason: change.reason,
      at: change.at.toISOString(),
    })),
    shippingAddress: order.shippingAddress,
    payment: { brand: order.payment.brand, last4: order.payment.last4 },
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

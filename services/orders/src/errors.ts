import { defineErrors } from '@bazaar/service-kit';

/** Every error this service answers with, by code. */
export const errors = defineErrors({
  ORDERS_NOT_FOUND: { status: 404, title: 'Order not found' },
  ORDERS_CART_NOT_FOUND: { status: 404, title: 'Cart not found' },
  ORDERS_CART_CHECKED_OUT: { status: 409, title: 'Cart already checked out' },
  /** The cart was edited during each of checkout's tries: check it out again. */
  ORDERS_CART_CHANGED: { status: 409, title: 'Cart changed during checkout' },
  ORDERS_CART_FULL: { status: 409, title: 'Cart is full' },
  ORDERS_CART_EMPTY: { status: 400, title: 'Cart is empty' },
  ORDERS_INVALID_CHECKOUT: { status: 400, title: 'Invalid checkout request' },
  ORDERS_UNKNOWN_PRODUCTS: { status: 400, title: 'Unknown products' },
  ORDERS_DUPLICATE_PRODUCT: { status: 400, title: 'Product listed twice' },
  ORDERS_INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  ORDERS_INSUFFICIENT_STOCK: { status: 409, title: 'Insufficient stock' },
  ORDERS_CURRENCY_MISMATCH: { status: 409, title: 'Products priced in different currencies' },
  ORDERS_IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key already used for another request',
  },
  ORDERS_TRANSITION_REFUSED: { status: 409, title: 'Order cannot do that in its status' },
  ORDERS_CATALOG_UNAVAILABLE: { status: 503, title: 'Catalog unavailable' },
});

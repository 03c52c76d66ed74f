/**
 * The Postgres channel every status change is announced on (payload: the order id): a trigger on
 * `order_status_history` notifies it for each history row but the placement's, at commit (SSE
 * streams listen; no stream can know an order's id before its placement commits).
 */
export const ORDER_STATUS_CHANNEL = 'orders_status_changed';

/**
 * The Postgres channel every status change is announced on (payload: the order id): a trigger on
 * `order_status_history` notifies it for each history row, at commit (SSE streams listen).
 */
export const ORDER_STATUS_CHANNEL = 'orders_status_changed';

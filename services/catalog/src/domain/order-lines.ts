/** One product and how many units of it an order wants. */
export interface LineRequest {
  productId: string;
  quantity: number;
}

/**
 * The lines of an order as stock sees them: one per product (repeated products summed), in
 * product-id order. Every transaction that takes stock locks rows in this one order, so two
 * orders over the same products wait for each other instead of deadlocking.
 */
export function normalizeLines(lines: readonly LineRequest[]): LineRequest[] {
  const byProduct = new Map<string, number>();
  for (const line of lines) {
    const id = line.productId.toLowerCase();
    byProduct.set(id, (byProduct.get(id) ?? 0) + line.quantity);
  }
  return [...byProduct]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

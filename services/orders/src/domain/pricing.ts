import type { PriceLookup, PricedProduct } from './catalog-prices.js';
import { multiply, sum, type Money } from './money.js';

export interface RequestedLine {
  productId: string;
  quantity: number;
}

export interface PricedLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
}

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

export type PricingResult =
  | { kind: 'priced'; lines: PricedLine[]; total: Money }
  | { kind: 'unknown_products'; productIds: string[] }
  | { kind: 'short'; shortages: Shortage[] };

export function priceLine(product: PricedProduct, quantity: number): PricedLine {
  return {
    productId: product.productId,
    sku: product.sku,
    name: product.name,
    quantity,
    unitPrice: product.price,
    lineTotal: multiply(product.price, quantity),
  };
}

/**
 * Prices requested lines at catalog's answer, in the order requested. Unknown products come
 * first (the request cannot be fixed by waiting), then shortages the lookup already shows.
 */
export function priceLines(requested: RequestedLine[], lookup: PriceLookup): PricingResult {
  const byId = new Map(lookup.items.map((item) => [item.productId, item]));
  const unknown = requested
    .map((line) => line.productId)
    .filter((id) => !byId.has(id) || lookup.unknown.includes(id));
  if (unknown.length > 0) return { kind: 'unknown_products', productIds: unknown };

  const shortages: Shortage[] = [];
  const lines: PricedLine[] = [];
  for (const line of requested) {
    const product = byId.get(line.productId)!;
    if (product.available < line.quantity) {
      shortages.push({
        productId: line.productId,
        requested: line.quantity,
        available: product.available,
      });
    }
    lines.push(priceLine(product, line.quantity));
  }
  if (shortages.length > 0) return { kind: 'short', shortages };
  return { kind: 'priced', lines, total: sum(lines.map((l) => l.lineTotal)) };
}

/** The first product id that appears twice, if any. */
export function duplicateProductId(lines: RequestedLine[]): string | undefined {
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.productId)) return line.productId;
    seen.add(line.productId);
  }
  return undefined;
}

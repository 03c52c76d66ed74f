import { errors } from '../errors.js';
import type { PriceSource } from './catalog-prices.js';
import { lookupPricesOrFail } from './lookup-prices.js';
import { CurrencyMismatchError, type Money } from './money.js';
import { priceLines, type PricedLine, type RequestedLine } from './pricing.js';

/**
 * Prices the lines at catalog's current prices, or answers why not: an unknown product, too
 * little stock, mixed currencies (each a 4xx), catalog unreachable (503, from the lookup).
 */
export async function priceOrder(
  catalog: PriceSource,
  requested: RequestedLine[],
  requestId: string | undefined,
): Promise<{ lines: PricedLine[]; total: Money }> {
  const lookup = await lookupPricesOrFail(
    catalog,
    requested.map((l) => l.productId),
    requestId,
  );
  let result;
  try {
    result = priceLines(requested, lookup);
  } catch (error) {
    if (error instanceof CurrencyMismatchError) {
      throw errors.ORDERS_CURRENCY_MISMATCH(error.message, { currencies: error.currencies });
    }
    throw error;
  }
  if (result.kind === 'unknown_products') {
    throw errors.ORDERS_UNKNOWN_PRODUCTS(`unknown products: ${result.productIds.join(', ')}`, {
      productIds: result.productIds,
    });
  }
  if (result.kind === 'short') {
    throw errors.ORDERS_INSUFFICIENT_STOCK(
      `not enough stock for ${result.shortages.map((s) => s.productId).join(', ')}`,
      { shortages: result.shortages },
    );
  }
  return result;
}

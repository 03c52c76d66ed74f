import { errors } from '../errors.js';
import { CatalogUnavailableError, type PriceLookup, type PriceSource } from './catalog-prices.js';

/** Asks catalog for prices; when it cannot answer, a 503 telling the caller when to retry. */
export async function lookupPricesOrFail(
  catalog: PriceSource,
  productIds: string[],
  requestId?: string,
): Promise<PriceLookup> {
  try {
    return await catalog.lookupPrices(productIds, { requestId });
  } catch (error) {
    if (error instanceof CatalogUnavailableError) {
      throw errors.ORDERS_CATALOG_UNAVAILABLE(
        'prices cannot be looked up right now; nothing was changed, try again shortly',
        {},
        { 'retry-after': String(error.retryAfterSeconds) },
      );
    }
    throw error;
  }
}

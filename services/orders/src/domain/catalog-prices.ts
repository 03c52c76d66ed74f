import type { Money } from './money.js';

/** One product as catalog's price lookup (`POST /internal/prices`) answers it. */
export interface PricedProduct {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  available: number;
}

/** Catalog's answer for a batch of product ids: the ones it knows, and the ones it does not. */
export interface PriceLookup {
  items: PricedProduct[];
  unknown: string[];
}

/** The one thing orders asks catalog: authoritative prices and stock for up to 100 products. */
export interface PriceSource {
  /**
   * Throws `CatalogUnavailableError` when catalog cannot answer. `requestId` is the request
   * this lookup serves, for catalog's logs; the shopper's token is not sent (catalog's lookup
   * checks none).
   */
  lookupPrices(productIds: string[], options?: { requestId?: string }): Promise<PriceLookup>;
}

/** Catalog cannot answer now (refused, timed out, breaker open, 5xx): try again later. */
export class CatalogUnavailableError extends Error {
  constructor(
    message: string,
    /** Seconds a caller should wait before retrying. */
    readonly retryAfterSeconds = 5,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CatalogUnavailableError';
  }
}

/** Catalog's batch lookup accepts at most this many ids. */
export const MAX_LOOKUP_IDS = 100;

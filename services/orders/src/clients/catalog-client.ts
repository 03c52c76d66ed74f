import {
  createServiceClient,
  UpstreamUnavailableError,
  type ClientLogger,
} from '@bazaar/http-client';
import {
  CatalogUnavailableError,
  MAX_LOOKUP_IDS,
  type PriceLookup,
  type PriceSource,
} from '../domain/catalog-prices.js';

export interface CatalogClientOptions {
  baseUrl: string;
  timeoutMs: number;
  logger?: ClientLogger;
}

export interface CatalogClient extends PriceSource {
  close(): Promise<void>;
}

/**
 * catalog's price lookup (`POST /internal/prices`) over `@bazaar/http-client`: a keep-alive
 * pool, a timeout per attempt, retries (the lookup reads, so it is safe to repeat) and a circuit
 * breaker. Batches above catalog's limit are split. When catalog cannot answer it throws
 * `CatalogUnavailableError` with the `Retry-After` to pass on. It sends the request id of the
 * checkout it serves (catalog logs under it instead of making one up), never the shopper's
 * token: the lookup checks none, and each hop parsed those few hundred bytes for nothing.
 */
export function createCatalogClient(options: CatalogClientOptions): CatalogClient {
  const client = createServiceClient({
    name: 'catalog',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    logger: options.logger,
  });

  async function lookupBatch(productIds: string[], requestId?: string): Promise<PriceLookup> {
    let response;
    try {
      response = await client.request<PriceLookup>({
        method: 'POST',
        path: '/internal/prices',
        body: { productIds },
        idempotent: true,
        headers: { 'x-request-id': requestId },
      });
    } catch (error) {
      if (error instanceof UpstreamUnavailableError) {
        throw new CatalogUnavailableError(error.message, error.retryAfter, { cause: error });
      }
      throw error;
    }
    if (response.status !== 200) {
      // A 4xx here means orders asked wrongly: a bug to see in the logs, not the shopper's fault.
      throw new Error(`catalog answered ${response.status} to a price lookup`);
    }
    return response.body;
  }

  return {
    async lookupPrices(productIds, { requestId } = {}) {
      const ids = [...new Set(productIds)];
      const result: PriceLookup = { items: [], unknown: [] };
      for (let start = 0; start < ids.length; start += MAX_LOOKUP_IDS) {
        const batch = await lookupBatch(ids.slice(start, start + MAX_LOOKUP_IDS), requestId);
        result.items.push(...batch.items);
        result.unknown.push(...batch.unknown);
      }
      return result;
    },
    close: () => client.close(),
  };
}

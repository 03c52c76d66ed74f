import type { EventHandler, Logger } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { indexProduct } from '../../domain/index-product.js';
import type { SearchMetrics } from '../../metrics.js';

export interface ConsumerDeps {
  metrics: SearchMetrics;
  logger: Logger;
}

/**
 * `product.created` and `product.updated`: index the product's document unless a newer
 * version (or its deletion) is already indexed. Idempotent by version, on top of the inbox.
 */
export function onProductChanged(
  deps: ConsumerDeps,
): EventHandler<Database, 'product.created' | 'product.updated'> {
  return async (event, trx) => {
    const { product } = event.data;
    const outcome = await indexProduct(trx, product);
    if (outcome === 'applied') {
      // Observed just before the consumer's transaction commits: a few ms early at most.
      deps.metrics.observeFreshness(event.type, product.updatedAt);
    } else {
      deps.logger.debug(
        { productId: product.id, version: product.version, eventId: event.id },
        'older product version ignored',
      );
    }
  };
}

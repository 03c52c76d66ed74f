import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { removeProduct } from '../../domain/index-product.js';
import type { ConsumerDeps } from './product-changed.js';

/** `product.deleted`: drop the product from search, leaving a tombstone with its version. */
export function onProductDeleted(deps: ConsumerDeps): EventHandler<Database, 'product.deleted'> {
  return async (event, trx) => {
    const { productId, version } = event.data;
    const outcome = await removeProduct(trx, productId, version);
    if (outcome === 'applied') {
      deps.metrics.observeFreshness(event.type, event.time);
    } else {
      deps.logger.debug(
        { productId, version, eventId: event.id },
        'older product deletion ignored',
      );
    }
  };
}

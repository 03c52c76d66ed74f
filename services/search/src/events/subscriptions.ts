import type { Messaging } from '@bazaar/messaging';
import type { Database } from '../db/database.js';
import { onProductChanged, type ConsumerDeps } from './consumers/product-changed.js';
import { onProductDeleted } from './consumers/product-deleted.js';

/** The queue search is fed from (`<namespace>search.products`). */
export const PRODUCTS_QUEUE = 'search.products';

/**
 * Every subscription of the search service, in one place.
 * Each queue and its types are also declared in `SUBSCRIPTIONS` of `@bazaar/contracts`
 * (every service declares them before publishing): a new handler's type goes there too.
 */
export function subscribe(messaging: Messaging<Database>, deps: ConsumerDeps): void {
  const changed = onProductChanged(deps);
  messaging.subscribe(PRODUCTS_QUEUE, {
    'product.created': changed,
    'product.updated': changed,
    'product.deleted': onProductDeleted(deps),
  });
}

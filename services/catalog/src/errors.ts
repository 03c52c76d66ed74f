import { defineErrors } from '@bazaar/service-kit';

/** Every error this service answers with, by code. */
export const errors = defineErrors({
  CATALOG_NOT_FOUND: { status: 404, title: 'Not found' },
  CATALOG_PRODUCT_NOT_FOUND: { status: 404, title: 'Product not found' },
  CATALOG_DUPLICATE_SKU: { status: 409, title: 'SKU already in use' },
  CATALOG_UNKNOWN_CATEGORY: { status: 400, title: 'Unknown category' },
  CATALOG_INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  CATALOG_INVALID_PRICE_RANGE: { status: 400, title: 'Invalid price range' },
});

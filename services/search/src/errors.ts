import { defineErrors } from '@bazaar/service-kit';

/** Every error this service answers with, by code. */
export const errors = defineErrors({
  SEARCH_INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  SEARCH_INVALID_PRICE_RANGE: { status: 400, title: 'Invalid price range' },
});

import { defineErrors } from '@bazaar/service-kit';

/** Every error this service answers with, by code. */
export const errors = defineErrors({
  CATALOG_NOT_FOUND: { status: 404, title: 'Not found' },
});

import { defineErrors } from '@bazaar/service-kit';

/** Every error this service answers with, by code. */
export const errors = defineErrors({
  PAYMENTS_NOT_FOUND: { status: 404, title: 'Not found' },
  PAYMENTS_PROVIDER_NOT_FOUND: { status: 404, title: 'Unknown payment provider' },
  PAYMENTS_INVALID_CARD: { status: 400, title: 'Invalid card' },
  PAYMENTS_INVALID_BODY: { status: 400, title: 'Malformed request body' },
  PAYMENTS_INVALID_SIGNATURE: { status: 400, title: 'Invalid webhook signature' },
  PAYMENTS_INVALID_WEBHOOK: { status: 400, title: 'Invalid webhook event' },
  PAYMENTS_IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key reused with another card',
  },
  PAYMENTS_PROVIDER_UNAVAILABLE: { status: 503, title: 'Payment provider unavailable' },
});

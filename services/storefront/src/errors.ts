import { defineErrors } from '@bazaar/service-kit';

/** Every error the storefront answers with itself (the internal services' 4xx pass through). */
export const errors = defineErrors({
  /** A service this request needs is down, slow or shedding load; `Retry-After` says when to retry. */
  STOREFRONT_DEPENDENCY_UNAVAILABLE: { status: 503, title: 'Service temporarily unavailable' },
  /** A service answered something the storefront cannot make sense of. */
  STOREFRONT_BAD_UPSTREAM_ANSWER: { status: 502, title: 'Bad answer from an internal service' },
  STOREFRONT_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  /** A shopper (or this server) holds as many order event streams as allowed; `Retry-After` says when to retry. */
  STOREFRONT_TOO_MANY_STREAMS: { status: 429, title: 'Too many open event streams' },
});

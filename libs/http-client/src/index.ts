export {
  createServiceClient,
  type BreakerOptions,
  type ClientLogger,
  type HttpMethod,
  type QueryValue,
  type RequestOptions,
  type ServiceClient,
  type ServiceClientOptions,
  type ServiceResponse,
  type StreamResponse,
} from './service-client.js';
export { UpstreamUnavailableError, type UnavailableReason } from './upstream-unavailable-error.js';
export { backoffDelay, backoffStep, parseRetryAfter } from './backoff.js';
export { registerClientMetrics, BREAKER_STATE } from './metrics.js';
export { serviceFetch, defaultIdempotent, type ServiceFetchOptions } from './service-fetch.js';
export { isOfType } from './request-parts.js';

import {
  createServiceClient,
  UpstreamUnavailableError,
  type ClientLogger,
  type RequestOptions,
  type ServiceClient,
  type ServiceResponse,
  type StreamResponse,
} from '@bazaar/http-client';
import type { Config } from '../config.js';
import { createOrderEventStreams, type OrderEventStreams } from './order-event-streams.js';
import { KnownPaymentMethods } from './known-payment-methods.js';
import { ResponseCache } from './response-cache.js';
import { errors } from '../errors.js';

const UPSTREAM_NAMES = ['catalog', 'orders', 'users', 'payments', 'search'] as const;
export type UpstreamName = (typeof UPSTREAM_NAMES)[number];

/** One internal service as the routes call it: its failures already turned into public errors. */
export interface Upstream {
  readonly name: UpstreamName;
  request<T = unknown>(options: RequestOptions): Promise<ServiceResponse<T>>;
  stream(options: Parameters<ServiceClient['stream']>[0]): Promise<StreamResponse>;
}

export type Upstreams = Record<UpstreamName, Upstream> & {
  /** Orders' event streams: capped, on a connection pool of their own. */
  orderEvents: OrderEventStreams;
  /** Saved methods payments confirmed to be a shopper's, kept a minute (checkout asks once). */
  paymentMethods: KnownPaymentMethods;
  close(): Promise<void>;
};

/**
 * A dependency that is down becomes a 503 with `Retry-After`. The public detail names no
 * service and no address: which internal service failed is for the logs, not for shoppers.
 */
function toPublicError(error: unknown): unknown {
  if (!(error instanceof UpstreamUnavailableError)) return error;
  return errors.STOREFRONT_DEPENDENCY_UNAVAILABLE(
    `a service this request needs is unavailable; try again in ${error.retryAfter} s`,
    {},
    { 'retry-after': String(error.retryAfter) },
  );
}

/** The cache key of an anonymous GET; undefined for anything a cache must not answer. */
function cacheKey(name: UpstreamName, options: RequestOptions): string | undefined {
  if (options.method !== 'GET' || options.headers?.authorization) return undefined;
  return `${name} ${options.path} ${options.query ? JSON.stringify(options.query) : '{}'}`;
}

/** The shopper asked for a fresh answer (`Cache-Control: no-cache`, a browser's reload). */
const wantsFresh = (options: RequestOptions) =>
  /no-cache|max-age=0/i.test(options.headers?.['cache-control'] ?? '');

/**
 * Wraps a client so that unavailability is thrown as the public 503, and anonymous GETs are
 * answered from `cache` while the service's `Cache-Control` says they may be.
 */
function upstream(name: UpstreamName, client: ServiceClient, cache: ResponseCache): Upstream {
  return {
    name,
    async request<T>(options: RequestOptions) {
      const key = cacheKey(name, options);
      const kept = key && !wantsFresh(options) ? cache.get(key) : undefined;
      if (kept) return kept as ServiceResponse<T>;
      try {
        const response = await client.request<T>(options);
        if (key) cache.set(key, response);
        return response;
      } catch (error) {
        throw toPublicError(error);
      }
    },
    async stream(options) {
      try {
        return await client.stream(options);
      } catch (error) {
        throw toPublicError(error);
      }
    },
  };
}

/** The clients of every internal service, from the configured URLs. */
export function createUpstreams(
  config: Pick<
    Config,
    | 'CATALOG_URL'
    | 'ORDERS_URL'
    | 'USERS_URL'
    | 'PAYMENTS_URL'
    | 'SEARCH_URL'
    | 'UPSTREAM_TIMEOUT_MS'
    | 'RESPONSE_CACHE_ENTRIES'
    | 'ORDER_STREAMS_PER_SHOPPER'
    | 'ORDER_STREAMS_PER_PROCESS'
  >,
  logger?: ClientLogger,
): Upstreams {
  const urls: Record<UpstreamName, string> = {
    catalog: config.CATALOG_URL,
    orders: config.ORDERS_URL,
    users: config.USERS_URL,
    payments: config.PAYMENTS_URL,
    search: config.SEARCH_URL,
  };
  const clients = UPSTREAM_NAMES.map((name) =>
    createServiceClient({
      name,
      baseUrl: urls[name],
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      logger,
    }),
  );
  const streamClient = createServiceClient({
    name: 'orders',
    baseUrl: config.ORDERS_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    connections: config.ORDER_STREAMS_PER_PROCESS,
    logger,
  });
  const cache = new ResponseCache(config.RESPONSE_CACHE_ENTRIES);
  const wrapped = Object.fromEntries(
    clients.map((client) => [client.name, upstream(client.name as UpstreamName, client, cache)]),
  ) as Record<UpstreamName, Upstream>;
  const streams = upstream('orders', streamClient, cache);
  return {
    ...wrapped,
    orderEvents: createOrderEventStreams(streams, {
      perShopper: config.ORDER_STREAMS_PER_SHOPPER,
      perProcess: config.ORDER_STREAMS_PER_PROCESS,
    }),
    paymentMethods: new KnownPaymentMethods(),
    async close() {
      await Promise.all([...clients, streamClient].map((client) => client.close()));
    },
  };
}

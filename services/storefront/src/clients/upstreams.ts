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
import { errors } from '../errors.js';

export const UPSTREAM_NAMES = ['catalog', 'orders', 'users', 'payments', 'search'] as const;
export type UpstreamName = (typeof UPSTREAM_NAMES)[number];

/** One internal service as the routes call it: its failures already turned into public errors. */
export interface Upstream {
  readonly name: UpstreamName;
  request<T = unknown>(options: RequestOptions): Promise<ServiceResponse<T>>;
  stream(options: Parameters<ServiceClient['stream']>[0]): Promise<StreamResponse>;
}

export type Upstreams = Record<UpstreamName, Upstream> & { close(): Promise<void> };

/**
 * A dependency that is down becomes a 503 with `Retry-After`. The public detail names no
 * service and no address: which internal service failed is for the logs, not for shoppers.
 */
export function toPublicError(error: unknown): unknown {
  if (!(error instanceof UpstreamUnavailableError)) return error;
  return errors.STOREFRONT_DEPENDENCY_UNAVAILABLE(
    `a service this request needs is unavailable; try again in ${error.retryAfter} s`,
    {},
    { 'retry-after': String(error.retryAfter) },
  );
}

/** Wraps a client so that unavailability is thrown as the public 503. */
export function upstream(name: UpstreamName, client: ServiceClient): Upstream {
  return {
    name,
    async request<T>(options: RequestOptions) {
      try {
        return await client.request<T>(options);
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
  const wrapped = Object.fromEntries(
    clients.map((client) => [client.name, upstream(client.name as UpstreamName, client)]),
  ) as Record<UpstreamName, Upstream>;
  return {
    ...wrapped,
    async close() {
      await Promise.all(clients.map((client) => client.close()));
    },
  };
}

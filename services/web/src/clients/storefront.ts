import type { ServiceClient, StreamResponse } from '@bazaar/http-client';
import { serviceFetch } from '@bazaar/http-client';
import {
  createStorefrontClient,
  type QueryOf,
  type RequestBody,
  type ResponseBody,
} from '@bazaar/storefront-client';

/**
 * The storefront's public API as this shop uses it, through the typed client of
 * `@bazaar/storefront-client` (generated from the storefront's OpenAPI document): the types
 * below are the document's, so a page that reads a field the document does not promise, or a
 * call the document does not accept, fails to compile.
 */
export type Product = ResponseBody<'getProduct', 200>;
export type Category = ResponseBody<'getCategoryTree', 200>['items'][number];
export type SearchResult = ResponseBody<'searchProducts', 200>;
export type SearchHit = SearchResult['items'][number];
export type Bucket = SearchResult['facets']['brand'][number];
export type PriceBucket = SearchResult['facets']['price'][number];
export type Cart = ResponseBody<'getCart', 200>;
export type CartLine = Cart['items'][number];
export type Order = ResponseBody<'getOrder', 200>;
export type OrderStatus = Order['status'];
export type Money = Order['total'];
export type Tokens = ResponseBody<'logIn', 200>;
export type User = Tokens['user'];
type Checkout = RequestBody<'placeOrder'>;
export type ShippingAddress = Checkout['shippingAddress'];
export type Card = NonNullable<Checkout['payment']['card']>;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A problem+json answer: what was refused and, per field, why. */
export interface ApiProblem {
  status: number;
  title: string;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

/**
 * The storefront refused the shopper's access token (401 to a request that carried one): revoked,
 * signed with a retired key, or the account is gone. Pages answer it by signing the visitor out.
 */
export class SessionRefusedError extends Error {
  constructor() {
    super('the storefront refused the access token');
    this.name = 'SessionRefusedError';
  }
}

export type ApiResult<T> =
  { ok: true; status: number; body: T } | { ok: false; status: number; problem: ApiProblem };

/** Who is asking: the shopper's access token when signed in, and the request id for the logs. */
export interface Caller {
  token?: string;
  requestId: string;
  ip: string;
}

function problemOf(status: number, body: unknown): ApiProblem {
  const source = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return {
    ...source,
    status,
    title: typeof source.title === 'string' ? source.title : 'Request refused',
  };
}

/** Retried when it fails on the way: reads, PUTs, keyed POSTs, and cancelling (a no-op twice). */
const idempotent = (method: string, path: string, headers: Headers) =>
  method !== 'POST' || headers.has('idempotency-key') || path.endsWith('/cancel');

/** The typed storefront client over one service client (keep-alive pool, retries, breaker). */
export function storefrontApi(client: ServiceClient) {
  const api = createStorefrontClient({
    // The service client holds the storefront's address; serviceFetch keeps only path and query.
    baseUrl: 'http://storefront',
    fetch: serviceFetch(client, { idempotent }),
  });
  const headers = (caller: Caller) => ({
    authorization: caller.token ? `Bearer ${caller.token}` : undefined,
    'x-request-id': caller.requestId,
    'x-forwarded-for': caller.ip,
  });

  /** One answer of the typed client as this shop reads it; a refused token signs the visitor out. */
  async function result<T>(
    caller: Caller,
    sent: Promise<{ data?: T; error?: unknown; response: Response }>,
  ): Promise<ApiResult<T>> {
    const { data, error, response } = await sent;
    if (response.status === 401 && caller.token) throw new SessionRefusedError();
    if (response.ok) return { ok: true, status: response.status, body: data as T };
    return { ok: false, status: response.status, problem: problemOf(response.status, error) };
  }

  const id = encodeURIComponent;
  return {
    categories: (c: Caller) => result(c, api.GET('/v1/categories', { headers: headers(c) })),
    products: (c: Caller, query: QueryOf<'listProducts'>) =>
      result(c, api.GET('/v1/products', { params: { query }, headers: headers(c) })),
    product: (c: Caller, productId: string) =>
      result(
        c,
        api.GET('/v1/products/{id}', { params: { path: { id: productId } }, headers: headers(c) }),
      ),
    search: (c: Caller, query: QueryOf<'searchProducts'>) =>
      result(c, api.GET('/v1/search', { params: { query }, headers: headers(c) })),
    register: (c: Caller, body: RequestBody<'registerAccount'>) =>
      result(c, api.POST('/v1/auth/register', { body, headers: headers(c) })),
    login: (c: Caller, body: RequestBody<'logIn'>) =>
      result(c, api.POST('/v1/auth/login', { body, headers: headers(c) })),
    refresh: (c: Caller, refreshToken: string) =>
      result(c, api.POST('/v1/auth/refresh', { body: { refreshToken }, headers: headers(c) })),
    logout: (c: Caller, refreshToken: string) =>
      result(c, api.POST('/v1/auth/logout', { body: { refreshToken }, headers: headers(c) })),
    createCart: (c: Caller) => result(c, api.POST('/v1/carts', { headers: headers(c) })),
    cart: (c: Caller, cartId: string) =>
      result(
        c,
        api.GET('/v1/carts/{id}', { params: { path: { id: cartId } }, headers: headers(c) }),
      ),
    setCartItem: (c: Caller, cartId: string, productId: string, quantity: number) =>
      result(
        c,
        api.PUT('/v1/carts/{id}/items/{productId}', {
          params: { path: { id: cartId, productId } },
          body: { quantity },
          headers: headers(c),
        }),
      ),
    checkout: (c: Caller, key: string, body: Checkout) =>
      result(
        c,
        api.POST('/v1/orders', {
          params: { header: { 'idempotency-key': key } },
          body,
          headers: headers(c),
        }),
      ),
    orders: (c: Caller, query: QueryOf<'listMyOrders'>) =>
      result(c, api.GET('/v1/orders', { params: { query }, headers: headers(c) })),
    order: (c: Caller, orderId: string) =>
      result(
        c,
        api.GET('/v1/orders/{id}', { params: { path: { id: orderId } }, headers: headers(c) }),
      ),
    cancel: (c: Caller, orderId: string) =>
      result(
        c,
        api.POST('/v1/orders/{id}/cancel', {
          params: { path: { id: orderId } },
          headers: headers(c),
        }),
      ),
    /**
     * The order's server-sent events, read as a stream through the service client itself (the
     * typed client reads whole answers).
     */
    orderEvents: (
      c: Caller,
      orderId: string,
      lastEventId: string | undefined,
      signal: AbortSignal,
    ): Promise<StreamResponse> =>
      client.stream({
        method: 'GET',
        path: `/v1/orders/${id(orderId)}/events`,
        headers: { ...headers(c), accept: 'text/event-stream', 'last-event-id': lastEventId },
        signal,
      }),
  };
}

export type StorefrontApi = ReturnType<typeof storefrontApi>;

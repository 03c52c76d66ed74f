import type { QueryValue, ServiceClient, StreamResponse } from '@bazaar/http-client';

/**
 * The storefront's public API as this shop uses it: the same routes and shapes any client sees
 * (services/storefront/README.md and its OpenAPI document). The types are this client's own
 * reading of that contract.
 */
export interface Money {
  amount: number;
  currency: string;
}
export interface Category {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  children: Category[];
}
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  categoryId: string | null;
  brand: string;
  price: Money;
  stock: { available: number };
  attributes: Record<string, string>;
}
export interface SearchHit {
  id: string;
  name: string;
  brand: string;
  categoryId: string | null;
  price: Money;
  stock: { available: number };
  highlight: { name: string; description: string };
}
export interface Bucket {
  value: string;
  label?: string;
  count: number;
}
export interface PriceBucket {
  min: number;
  max: number | null;
  count: number;
}
export interface SearchResult {
  items: SearchHit[];
  total: number;
  facets: { category: Bucket[]; brand: Bucket[]; price: PriceBucket[] };
  nextCursor: string | null;
}
export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
  available: number;
}
export interface Cart {
  id: string;
  orderId: string | null;
  items: CartLine[];
  missing: { productId: string; quantity: number }[];
  total: Money;
}
export type OrderStatus = 'pending' | 'stock_reserved' | 'confirmed' | 'shipped' | 'cancelled';
export interface Order {
  id: string;
  status: OrderStatus;
  cancelReason: string | null;
  lines: {
    productId: string;
    name: string;
    quantity: number;
    unitPrice: Money;
    lineTotal: Money;
  }[];
  total: Money;
  statusHistory: { status: OrderStatus; reason: string; at: string }[];
  shippingAddress: ShippingAddress;
  payment: { brand: string; last4: string };
  createdAt: string;
}
export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}
export interface Card {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}
export interface User {
  id: string;
  email: string;
  name: string;
}
export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}
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

type Query = Record<string, QueryValue | QueryValue[] | undefined>;

function problemOf(status: number, body: unknown): ApiProblem {
  const source = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return {
    ...source,
    status,
    title: typeof source.title === 'string' ? source.title : 'Request refused',
  };
}

/** A typed view of the storefront over one service client (keep-alive pool, retries on reads). */
export function storefrontApi(client: ServiceClient) {
  const headers = (caller: Caller, extra: Record<string, string | undefined> = {}) => ({
    authorization: caller.token ? `Bearer ${caller.token}` : undefined,
    'x-request-id': caller.requestId,
    'x-forwarded-for': caller.ip,
    ...extra,
  });

  async function call<T>(
    caller: Caller,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: {
      query?: Query;
      body?: unknown;
      idempotent?: boolean;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResult<T>> {
    const response = await client.request<unknown>({
      method,
      path,
      query: options.query,
      body: options.body,
      headers: headers(caller, options.headers),
      idempotent: options.idempotent ?? method !== 'POST',
    });
    if (response.status === 401 && caller.token) throw new SessionRefusedError();
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, status: response.status, body: response.body as T };
    }
    return {
      ok: false,
      status: response.status,
      problem: problemOf(response.status, response.body),
    };
  }

  const id = encodeURIComponent;
  return {
    categories: (c: Caller) => call<{ items: Category[] }>(c, 'GET', '/v1/categories'),
    products: (c: Caller, query: Query) => call<Page<Product>>(c, 'GET', '/v1/products', { query }),
    product: (c: Caller, productId: string) =>
      call<Product>(c, 'GET', `/v1/products/${id(productId)}`),
    search: (c: Caller, query: Query) => call<SearchResult>(c, 'GET', '/v1/search', { query }),
    register: (c: Caller, body: { email: string; password: string; name: string }) =>
      call<Tokens>(c, 'POST', '/v1/auth/register', { body }),
    login: (c: Caller, body: { email: string; password: string }) =>
      call<Tokens>(c, 'POST', '/v1/auth/login', { body }),
    refresh: (c: Caller, refreshToken: string) =>
      call<Tokens>(c, 'POST', '/v1/auth/refresh', { body: { refreshToken } }),
    logout: (c: Caller, refreshToken: string) =>
      call<unknown>(c, 'POST', '/v1/auth/logout', { body: { refreshToken } }),
    createCart: (c: Caller) => call<Cart>(c, 'POST', '/v1/carts', { body: {} }),
    cart: (c: Caller, cartId: string) => call<Cart>(c, 'GET', `/v1/carts/${id(cartId)}`),
    setCartItem: (c: Caller, cartId: string, productId: string, quantity: number) =>
      call<Cart>(c, 'PUT', `/v1/carts/${id(cartId)}/items/${id(productId)}`, {
        body: { quantity },
      }),
    checkout: (
      c: Caller,
      key: string,
      body: { cartId: string; shippingAddress: ShippingAddress; payment: { card: Card } },
    ) =>
      call<Order>(c, 'POST', '/v1/orders', {
        body,
        headers: { 'idempotency-key': key },
        idempotent: true,
      }),
    orders: (c: Caller, query: Query) => call<Page<Order>>(c, 'GET', '/v1/orders', { query }),
    order: (c: Caller, orderId: string) => call<Order>(c, 'GET', `/v1/orders/${id(orderId)}`),
    cancel: (c: Caller, orderId: string) =>
      call<Order>(c, 'POST', `/v1/orders/${id(orderId)}/cancel`, { body: {}, idempotent: true }),
    orderEvents: (
      c: Caller,
      orderId: string,
      lastEventId: string | undefined,
      signal: AbortSignal,
    ): Promise<StreamResponse> =>
      client.stream({
        method: 'GET',
        path: `/v1/orders/${id(orderId)}/events`,
        headers: headers(c, { accept: 'text/event-stream', 'last-event-id': lastEventId }),
        signal,
      }),
  };
}

export type StorefrontApi = ReturnType<typeof storefrontApi>;

import { randomUUID } from 'node:crypto';
import {
  createStorefrontClient,
  type QueryOf,
  type ResponseBody,
  type StorefrontClient,
} from '@bazaar/storefront-client';
import { fetch as undiciFetch, Pool, Request as UndiciRequest } from 'undici';

export const TEST_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2035, cvc: '123' };
export const ADDRESS = {
  name: 'Bench Shopper',
  line1: '1 Load Street',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

export type SearchPage = ResponseBody<'searchProducts', 200>;
export type ProductPage = ResponseBody<'listProducts', 200>;
export type Product = ResponseBody<'getProduct', 200>;
export type PlacedOrder = ResponseBody<'placeOrder', 202>;

/** An answer the scenario did not expect: what was asked, the status and the body. */
function refused(what: string, response: Response, error: unknown): Error {
  return new Error(`${what}: got ${response.status} ${JSON.stringify(error)}`);
}

/**
 * The public storefront API for setting scenarios up and checking outcomes, through the typed
 * client generated from the storefront's OpenAPI document (`@bazaar/storefront-client`) over one
 * keep-alive pool. (The load itself is autocannon's, on raw requests.)
 */
export class Storefront {
  private readonly pool: Pool;
  readonly api: StorefrontClient;

  constructor(readonly url: string) {
    this.pool = new Pool(url, { connections: 64 });
    const dispatcher = this.pool;
    this.api = createStorefrontClient({
      baseUrl: url,
      // undici's own fetch and Request, so the requests go through this pool.
      Request: UndiciRequest as unknown as typeof Request,
      fetch: (request) =>
        undiciFetch(request as unknown as UndiciRequest, {
          dispatcher,
        }) as unknown as Promise<Response>,
    });
  }

  async search(query: QueryOf<'searchProducts'>): Promise<SearchPage> {
    const { data, error, response } = await this.api.GET('/v1/search', { params: { query } });
    if (!data) throw refused('GET /v1/search', response, error);
    return data;
  }

  async products(query: QueryOf<'listProducts'>): Promise<ProductPage> {
    const { data, error, response } = await this.api.GET('/v1/products', { params: { query } });
    if (!data) throw refused('GET /v1/products', response, error);
    return data;
  }

  async product(id: string): Promise<Product> {
    const { data, error, response } = await this.api.GET('/v1/products/{id}', {
      params: { path: { id } },
    });
    if (!data) throw refused(`GET /v1/products/${id}`, response, error);
    return data;
  }

  /** Registers `count` fresh shoppers and returns their access tokens. */
  async registerShoppers(count: number): Promise<string[]> {
    const run = randomUUID().slice(0, 8);
    const tokens: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const { data, error, response } = await this.api.POST('/v1/auth/register', {
        body: {
          email: `bench-${run}-${i}@bazaar.test`,
          password: 'correct horse battery',
          name: `Bench ${i}`,
        },
      });
      if (!data) throw refused('POST /v1/auth/register', response, error);
      tokens.push(data.accessToken);
    }
    return tokens;
  }

  /** Saves the test card as a payment method of the shopper (the first checkout step); its id. */
  async saveCard(token: string): Promise<string> {
    const { data, error, response } = await this.api.POST('/v1/payment-methods', {
      params: { header: { 'idempotency-key': randomUUID() } },
      headers: { authorization: `Bearer ${token}` },
      body: { card: TEST_CARD },
    });
    if (!data) throw refused('POST /v1/payment-methods', response, error);
    return data.id;
  }

  async adminToken(email: string, password: string): Promise<string> {
    const { data, error, response } = await this.api.POST('/v1/auth/login', {
      body: { email, password },
    });
    if (!data) throw refused('POST /v1/auth/login', response, error);
    return data.accessToken;
  }

  async createProduct(adminToken: string, stock: number, price = 1999): Promise<{ id: string }> {
    const sku = `BENCH-${randomUUID()}`;
    const { data, error, response } = await this.api.POST('/v1/admin/products', {
      headers: { authorization: `Bearer ${adminToken}` },
      body: {
        sku,
        name: `Bench product ${sku.slice(6, 14)}`,
        description: 'A product made by the load generator.',
        brand: 'Benchmark',
        price: { amount: price, currency: 'EUR' },
        stock,
      },
    });
    if (!data) throw refused('POST /v1/admin/products', response, error);
    return data;
  }

  /** Places an order of one product paid by the test card: its status, and the order if accepted. */
  async placeOrder(
    token: string,
    productId: string,
    quantity = 1,
    key = randomUUID(),
  ): Promise<{ status: number; order?: PlacedOrder; problem?: unknown }> {
    const { data, error, response } = await this.api.POST('/v1/orders', {
      params: { header: { 'idempotency-key': key } },
      headers: { authorization: `Bearer ${token}` },
      body: {
        items: [{ productId, quantity }],
        shippingAddress: ADDRESS,
        payment: { card: TEST_CARD },
      },
    });
    return { status: response.status, order: data, problem: error };
  }

  /** Polls an order until it reaches a final status; returns it, or the last seen after the deadline. */
  async waitFinal(token: string, orderId: string, deadline: number): Promise<Order> {
    for (;;) {
      const { data, error, response } = await this.api.GET('/v1/orders/{id}', {
        params: { path: { id: orderId } },
        headers: { authorization: `Bearer ${token}` },
      });
      if (!data && Date.now() > deadline) {
        throw refused(`GET /v1/orders/${orderId}`, response, error);
      }
      if (data && (FINAL.has(data.status) || Date.now() > deadline)) return data;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  close() {
    return this.pool.close();
  }
}

export type Order = ResponseBody<'getOrder', 200>;

export const FINAL = new Set<string>(['confirmed', 'cancelled', 'shipped']);

/** Milliseconds from the order's first status to the given one, from the order's own history. */
export function millisTo(order: Order, status: string): number | undefined {
  const first = order.statusHistory?.[0];
  const reached = order.statusHistory?.find((h) => h.status === status);
  if (!first || !reached) return undefined;
  return Date.parse(reached.at) - Date.parse(first.at);
}

import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of the public API; scenarios check what they use
type Json = any;

export interface Answer<T = Json> {
  status: number;
  body: T;
}

export const TEST_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2035, cvc: '123' };
export const ADDRESS = {
  name: 'Bench Shopper',
  line1: '1 Load Street',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

/** A small client of the public storefront API, for setting scenarios up and checking outcomes. */
export class Storefront {
  private readonly pool: Pool;

  constructor(readonly url: string) {
    this.pool = new Pool(url, { connections: 64 });
  }

  async call<T = Json>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const response = await this.pool.request({
      method,
      path,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async expect<T = Json>(expected: number, ...args: Parameters<Storefront['call']>): Promise<T> {
    const answer = await this.call<T>(...args);
    if (answer.status !== expected) {
      throw new Error(
        `${args[0]} ${args[1]}: expected ${expected}, got ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
    return answer.body;
  }

  /** Registers `count` fresh shoppers and returns their access tokens. */
  async registerShoppers(count: number): Promise<string[]> {
    const run = randomUUID().slice(0, 8);
    const tokens: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const body = await this.expect<{ accessToken: string }>(201, 'POST', '/v1/auth/register', {
        body: {
          email: `bench-${run}-${i}@bazaar.test`,
          password: 'correct horse battery',
          name: `Bench ${i}`,
        },
      });
      tokens.push(body.accessToken);
    }
    return tokens;
  }

  /** Saves the test card as a payment method of the shopper (the first checkout step); its id. */
  async saveCard(token: string): Promise<string> {
    const body = await this.expect<{ id: string }>(201, 'POST', '/v1/payment-methods', {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: { card: TEST_CARD },
    });
    return body.id;
  }

  async adminToken(email: string, password: string): Promise<string> {
    const body = await this.expect<{ accessToken: string }>(200, 'POST', '/v1/auth/login', {
      body: { email, password },
    });
    return body.accessToken;
  }

  async createProduct(adminToken: string, stock: number, price = 1999): Promise<{ id: string }> {
    const sku = `BENCH-${randomUUID()}`;
    return this.expect(201, 'POST', '/v1/admin/products', {
      token: adminToken,
      body: {
        sku,
        name: `Bench product ${sku.slice(6, 14)}`,
        description: 'A product made by the load generator.',
        brand: 'Benchmark',
        price: { amount: price, currency: 'EUR' },
        stock,
      },
    });
  }

  placeOrder(token: string, productId: string, quantity = 1, key = randomUUID()) {
    return this.call('POST', '/v1/orders', {
      token,
      headers: { 'idempotency-key': key },
      body: {
        items: [{ productId, quantity }],
        shippingAddress: ADDRESS,
        payment: { card: TEST_CARD },
      },
    });
  }

  /** Polls an order until it reaches a final status; returns it, or the last seen after the deadline. */
  async waitFinal(token: string, orderId: string, deadline: number): Promise<Order> {
    for (;;) {
      const { body } = await this.call<Order>('GET', `/v1/orders/${orderId}`, { token });
      if (FINAL.has(body?.status) || Date.now() > deadline) return body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  close() {
    return this.pool.close();
  }
}

export interface Order {
  id: string;
  status: string;
  statusHistory: { status: string; at: string; reason?: string | null }[];
}

export const FINAL = new Set(['confirmed', 'cancelled', 'shipped']);

/** Milliseconds from the order's first status to the given one, from the order's own history. */
export function millisTo(order: Order, status: string): number | undefined {
  const first = order.statusHistory?.[0];
  const reached = order.statusHistory?.find((h) => h.status === status);
  if (!first || !reached) return undefined;
  return Date.parse(reached.at) - Date.parse(first.at);
}

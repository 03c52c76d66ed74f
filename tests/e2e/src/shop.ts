import { randomUUID } from 'node:crypto';
import { poll, type Answer, type Api } from './api.js';
import { ADMIN } from './system.js';

export const CARDS = {
  ok: '4242424242424242',
  declined: '4000000000000002',
};

export const ADDRESS = {
  name: 'Ada Lovelace',
  line1: '12 Market Street',
  city: 'Lyon',
  postalCode: '69001',
  country: 'FR',
};

export function card(number: string) {
  return { card: { number, expMonth: 12, expYear: new Date().getFullYear() + 3, cvc: '123' } };
}

/**
 * Saves a card as a payment method (the first of the two checkout steps); returns its
 * `{ id, brand, last4 }`. Use `{ payment: { methodId: id } }` at checkout.
 */
export async function saveCard(
  shop: Api,
  token: string,
  number: string,
  key: string = randomUUID(),
): Promise<{ id: string; brand: string; last4: string }> {
  const answer = await shop.post('/v1/payment-methods', card(number), {
    token,
    headers: { 'idempotency-key': key },
  });
  expectStatus('save card', answer, 201);
  return answer.body;
}

export interface Shopper {
  token: string;
  id: string;
  email: string;
}

function explain(step: string, answer: Answer): string {
  return `${step}: ${answer.status} ${JSON.stringify(answer.body)}`;
}

/** Fails with what the system answered, so a red test says which step and why. */
export function expectStatus(step: string, answer: Answer, ...statuses: number[]): void {
  if (!statuses.includes(answer.status)) throw new Error(explain(step, answer));
}

export async function register(shop: Api, label: string): Promise<Shopper> {
  const email = `${label}-${randomUUID().slice(0, 8)}@e2e.bazaar.test`;
  const answer = await shop.post('/v1/auth/register', {
    email,
    password: 'a long enough passphrase',
    name: label,
  });
  expectStatus('register', answer, 201);
  return { token: answer.body.accessToken, id: answer.body.user.id, email };
}

export async function adminToken(shop: Api): Promise<string> {
  const answer = await shop.post('/v1/auth/login', ADMIN);
  expectStatus('admin login', answer, 200);
  return answer.body.accessToken;
}

export async function createProduct(
  shop: Api,
  admin: string,
  product: { name: string; stock: number; price?: number; description?: string },
): Promise<{ id: string; name: string }> {
  const answer = await shop.post(
    '/v1/admin/products',
    {
      sku: `E2E-${randomUUID().slice(0, 8)}`,
      name: product.name,
      description: product.description ?? `${product.name}, made for the end-to-end tests`,
      brand: 'Bazaar E2E',
      price: { amount: product.price ?? 1299, currency: 'EUR' },
      stock: product.stock,
    },
    { token: admin },
  );
  expectStatus('create product', answer, 201);
  return answer.body;
}

/** The stock as catalog has it now: product reads may be shared for seconds, so ask past them. */
export async function availableOf(shop: Api, productId: string): Promise<number> {
  const answer = await shop.get(`/v1/products/${productId}`, {
    headers: { 'cache-control': 'no-cache' },
  });
  expectStatus('read product', answer, 200);
  return answer.body.stock.available;
}

/**
 * Places an order as a careful client does: one Idempotency-Key per intended order, sent again
 * with the same body when the storefront says 503 (after its Retry-After).
 */
export async function placeOrder(
  shop: Api,
  token: string,
  body: unknown,
  key: string = randomUUID(),
  attempts = 5,
): Promise<Answer> {
  let answer = await shop.post('/v1/orders', body, { token, headers: { 'idempotency-key': key } });
  for (let attempt = 1; attempt < attempts && answer.status === 503; attempt++) {
    const wait = Number(answer.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 5) * 1000));
    answer = await shop.post('/v1/orders', body, { token, headers: { 'idempotency-key': key } });
  }
  return answer;
}

const SETTLED = new Set(['confirmed', 'cancelled', 'shipped']);

/** The order once its saga settled (confirmed or cancelled), or as it was after `timeoutMs`. */
export async function settledOrder(shop: Api, token: string, id: string, timeoutMs = 30_000) {
  const answer = await poll(
    () => shop.get(`/v1/orders/${id}`, { token }),
    (a) => a.status !== 200 || SETTLED.has(a.body.status),
    { timeoutMs },
  );
  expectStatus('read order', answer, 200);
  return answer.body;
}

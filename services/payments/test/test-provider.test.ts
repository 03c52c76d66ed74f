import { Faults } from '@bazaar/service-kit';
import { ProviderTransientError, WebhookPayloadError } from '../src/providers/provider.js';
import { signWebhook } from '../src/providers/bazaar-signature.js';
import { createProviderRegistry } from '../src/providers/registry.js';
import { TEST_CARDS, TestProvider } from '../src/providers/test-provider.js';

const card = (number: string) => ({ number, expMonth: 12, expYear: 2030, cvc: '123' });
const amount = { amount: 1999, currency: 'EUR' };

async function authorize(provider: TestProvider, number: string, key = 'k1') {
  const { token } = await provider.tokenize(card(number));
  return provider.authorize({ token, amount, idempotencyKey: key });
}

describe('the test provider', () => {
  it('when a test card is tokenized, then the token says how it behaves and holds no number', async () => {
    const provider = new TestProvider();
    for (const [number, behaviour] of Object.entries(TEST_CARDS)) {
      const { token } = await provider.tokenize(card(number));
      expect(token).toMatch(new RegExp(`^tok_${behaviour}_[0-9a-f]{16}$`));
      expect(token).not.toContain(number.slice(-8));
    }
    expect((await provider.tokenize(card('5555555555554444'))).token).toMatch(/^tok_mastercard_/);
    expect((await provider.tokenize(card('9999999999999995'))).token).toMatch(/^tok_card_/);
  });

  it('when each test card is charged, then it gets its DESIGN §5 outcome', async () => {
    const provider = new TestProvider();
    expect(await authorize(provider, '4242424242424242', 'a')).toMatchObject({
      outcome: 'authorized',
    });
    expect(await authorize(provider, '4000000000000002', 'b')).toMatchObject({
      outcome: 'declined',
      reason: 'declined',
    });
    expect(await authorize(provider, '4000000000009995', 'c')).toMatchObject({
      outcome: 'declined',
      reason: 'insufficient_funds',
    });
    await expect(authorize(provider, '4000000000000119', 'd')).rejects.toBeInstanceOf(
      ProviderTransientError,
    );
  });

  it('when the same key authorizes twice, then it is the same authorization', async () => {
    const provider = new TestProvider();
    const { token } = await provider.tokenize(card('4242424242424242'));
    const first = await provider.authorize({ token, amount, idempotencyKey: 'same' });
    const second = await provider.authorize({ token, amount, idempotencyKey: 'same' });
    expect(second).toEqual(first);
    expect(provider.authorizations).toBe(1);
    expect(provider.calls.authorize).toBe(2);
  });

  it('when transient failures are limited, then the card authorizes after them', async () => {
    const provider = new TestProvider({ transientFailures: 2 });
    const { token } = await provider.tokenize(card('4000000000000119'));
    const call = () => provider.authorize({ token, amount, idempotencyKey: 'flaky' });
    await expect(call()).rejects.toThrow('processing error');
    await expect(call()).rejects.toThrow('processing error');
    await expect(call()).resolves.toMatchObject({ outcome: 'authorized' });
  });

  it('when the fault drill is on, then authorizations fail as transient provider errors', async () => {
    const provider = new TestProvider({ faults: new Faults('payments.provider:error=1') });
    const { token } = await provider.tokenize(card('4242424242424242'));
    await expect(
      provider.authorize({ token, amount, idempotencyKey: 'drill' }),
    ).rejects.toBeInstanceOf(ProviderTransientError);
    const calm = new TestProvider({ faults: new Faults('') });
    await expect(authorize(calm, '4242424242424242')).resolves.toMatchObject({
      outcome: 'authorized',
    });
  });

  it('when the token is not one it issued, then the charge is declined', async () => {
    const provider = new TestProvider();
    await expect(
      provider.authorize({ token: 'tok_nope', amount, idempotencyKey: 'x' }),
    ).resolves.toMatchObject({
      outcome: 'declined',
    });
  });

  it('when latency is configured, then answers take at least that long', async () => {
    const provider = new TestProvider({ latencyMs: 30 });
    const started = Date.now();
    await provider.tokenize(card('4242424242424242'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('when capture, void and refund are asked twice with one key, then the answer repeats', async () => {
    const provider = new TestProvider();
    const auth = await authorize(provider, '4242424242424242');
    if (auth.outcome !== 'authorized') throw new Error('expected an authorization');
    const reference = auth.reference;
    const captured = await provider.capture({ reference, amount, idempotencyKey: 'c' });
    expect(await provider.capture({ reference, amount, idempotencyKey: 'c' })).toEqual(captured);
    expect((await provider.void({ reference, idempotencyKey: 'v' })).reference).toMatch(/^void_/);
    expect((await provider.refund({ reference, amount, idempotencyKey: 'r' })).reference).toMatch(
      /^re_/,
    );
    await expect(
      provider.refund({ reference: 'nope', amount, idempotencyKey: 'r2' }),
    ).rejects.toThrow('unknown authorization reference');
  });

  describe('webhooks', () => {
    const secrets = ['whsec_test_secret_000001'];
    const now = new Date();
    const parse = (payload: unknown) => {
      const rawBody = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
      return new TestProvider().parseWebhook({
        rawBody,
        headers: { 'bazaar-signature': signWebhook(rawBody, secrets) },
        secrets,
        now,
      });
    };

    it('when a known event is signed, then it reads as its effect', () => {
      expect(
        parse({ id: 'evt_1', type: 'charge.refunded', data: { reference: 'auth_x', amount } }),
      ).toEqual({
        id: 'evt_1',
        type: 'charge.refunded',
        effect: 'refunded',
        reference: 'auth_x',
        amount,
      });
      expect(
        parse({ id: 'evt_2', type: 'charge.captured', data: { reference: 'auth_x' } }).effect,
      ).toBe('captured');
      expect(
        parse({ id: 'evt_3', type: 'charge.voided', data: { reference: 'auth_x' } }).effect,
      ).toBe('voided');
      expect(parse({ id: 'evt_4', type: 'customer.updated' })).toMatchObject({
        effect: 'none',
        reference: null,
      });
    });

    it('when a signed body is not an event, then it is a payload error', () => {
      expect(() => parse('not json')).toThrow(WebhookPayloadError);
      expect(() => parse('null')).toThrow('not an object');
      expect(() => parse({ type: 'charge.captured' })).toThrow('id must be');
      expect(() => parse({ id: 'evt_5', type: 7 })).toThrow('type must be');
      expect(() => parse({ id: 'evt_6', type: 'charge.captured', data: {} })).toThrow(
        'data.reference',
      );
      expect(() =>
        parse({
          id: 'evt_7',
          type: 'charge.refunded',
          data: { reference: 'a', amount: { amount: -1 } },
        }),
      ).toThrow('data.amount');
    });
  });

  it('when a registry is asked by name, then it finds what was registered and only that', () => {
    const registry = createProviderRegistry([new TestProvider()]);
    expect(registry.get('test')).toBeInstanceOf(TestProvider);
    expect(registry.get('stripe')).toBeUndefined();
    expect(registry.names()).toEqual(['test']);
  });
});

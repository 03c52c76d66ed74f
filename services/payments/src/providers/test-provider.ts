import { randomBytes } from 'node:crypto';
import { InjectedFault, type Faults } from '@bazaar/service-kit';
import { setTimeout as sleep } from 'node:timers/promises';
import { cardBrand, normalizeCardNumber, type CardDetails } from './card.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './bazaar-signature.js';
import {
  ProviderTransientError,
  WebhookPayloadError,
  type AuthorizeResult,
  type Money,
  type OperationResult,
  type PaymentProvider,
  type ProviderWebhookEvent,
  type WebhookEffect,
  type WebhookRequest,
} from './provider.js';

/**
 * What a vaulted test card does when charged. The token carries it (like Stripe's `tok_visa`,
 * `tok_chargeDeclined`), so the provider knows which test card was used without anybody
 * keeping the number.
 */
export type TestBehaviour =
  | 'visa'
  | 'mastercard'
  | 'amex'
  | 'discover'
  | 'card'
  | 'chargeDeclined'
  | 'chargeDeclinedInsufficientFunds'
  | 'processingError';

/** The test cards of DESIGN §5; any other valid number authorizes. */
export const TEST_CARDS = {
  '4242424242424242': 'visa',
  '4000000000000002': 'chargeDeclined',
  '4000000000009995': 'chargeDeclinedInsufficientFunds',
  '4000000000000119': 'processingError',
} as const satisfies Record<string, TestBehaviour>;

const TOKEN = /^tok_([A-Za-z]+)_[0-9a-f]{16}$/;
const REFERENCE = /^auth_[0-9a-f]{24}$/;

export interface TestProviderOptions {
  /** The registry name (default `test`); another name registers a second instance. */
  name?: string;
  /** Pause before every answer, to make the provider feel like a remote one. */
  latencyMs?: number;
  /**
   * How many tries of one authorization (by idempotency key) the `processingError` card fails
   * before it authorizes; undefined: every try fails.
   */
  transientFailures?: number;
  /** The drill switch: point `payments.provider` fails or slows authorizations on demand. */
  faults?: Faults;
}

const WEBHOOK_EFFECTS: Record<string, WebhookEffect> = {
  'charge.captured': 'captured',
  'charge.refunded': 'refunded',
  'charge.voided': 'voided',
};

function id(prefix: string, bytes: number): string {
  return `${prefix}_${randomBytes(bytes).toString('hex')}`;
}

function isMoney(value: unknown): value is Money {
  const money = value as Money;
  return (
    typeof money === 'object' &&
    money !== null &&
    Number.isInteger(money.amount) &&
    money.amount >= 0 &&
    typeof money.currency === 'string' &&
    /^[A-Z]{3}$/.test(money.currency)
  );
}

/**
 * The built-in provider: no network, deterministic outcomes by test card, idempotent by key
 * (in memory, like a real provider's idempotency store), optional latency. Webhooks are signed
 * with the Bazaar signature scheme.
 */
export class TestProvider implements PaymentProvider {
  readonly name: string;
  /** How many times each operation was called, retries and replays included. */
  readonly calls = { tokenize: 0, authorize: 0, capture: 0, void: 0, refund: 0 };
  private readonly results = new Map<string, AuthorizeResult | OperationResult>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: TestProviderOptions = {}) {
    this.name = options.name ?? 'test';
  }

  /** How many distinct authorizations were granted (replays of a key count once). */
  get authorizations(): number {
    let count = 0;
    for (const [key, result] of this.results) {
      if (key.startsWith('authorize|') && 'outcome' in result && result.outcome === 'authorized') {
        count++;
      }
    }
    return count;
  }

  private async latency(): Promise<void> {
    if (this.options.latencyMs) await sleep(this.options.latencyMs);
  }

  /** An injected fault reads as the provider's own transient error, so the saga's retries run. */
  private async drill(): Promise<void> {
    try {
      await this.options.faults?.inject('payments.provider');
    } catch (error) {
      if (error instanceof InjectedFault) throw new ProviderTransientError(error.message);
      throw error;
    }
  }

  private remembered<T extends AuthorizeResult | OperationResult>(key: string, make: () => T): T {
    const known = this.results.get(key) as T | undefined;
    if (known) return known;
    const result = make();
    this.results.set(key, result);
    return result;
  }

  async tokenize(card: CardDetails): Promise<{ token: string }> {
    this.calls.tokenize++;
    await this.latency();
    const digits = normalizeCardNumber(card.number);
    const special = (TEST_CARDS as Record<string, TestBehaviour>)[digits];
    const brand = cardBrand(digits);
    const behaviour: TestBehaviour = special ?? (brand === 'unknown' ? 'card' : brand);
    return { token: id(`tok_${behaviour}`, 8) };
  }

  async authorize(input: {
    token: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<AuthorizeResult> {
    this.calls.authorize++;
    await this.latency();
    await this.drill();
    const key = `authorize|${input.idempotencyKey}`;
    const known = this.results.get(key) as AuthorizeResult | undefined;
    if (known) return known;
    const behaviour = TOKEN.exec(input.token)?.[1];
    if (behaviour === 'processingError') {
      const failed = this.failures.get(key) ?? 0;
      const limit = this.options.transientFailures;
      if (limit === undefined || failed < limit) {
        this.failures.set(key, failed + 1);
        throw new ProviderTransientError('test provider: processing error, try again');
      }
    }
    return this.remembered<AuthorizeResult>(key, () => {
      switch (behaviour) {
        case undefined:
          return { outcome: 'declined', reason: 'declined', message: 'unknown card token' };
        case 'chargeDeclined':
          return { outcome: 'declined', reason: 'declined', message: 'the card was declined' };
        case 'chargeDeclinedInsufficientFunds':
          return {
            outcome: 'declined',
            reason: 'insufficient_funds',
            message: 'the card has insufficient funds',
          };
        default:
          return { outcome: 'authorized', reference: id('auth', 12) };
      }
    });
  }

  private async operation(
    kind: 'capture' | 'void' | 'refund',
    reference: string,
    idempotencyKey: string,
  ): Promise<OperationResult> {
    this.calls[kind]++;
    await this.latency();
    if (!REFERENCE.test(reference)) {
      throw new Error(`test provider: unknown authorization reference for ${kind}`);
    }
    const prefix = { capture: 'cap', void: 'void', refund: 're' }[kind];
    return this.remembered(`${kind}|${idempotencyKey}`, () => ({ reference: id(prefix, 12) }));
  }

  capture(input: { reference: string; amount: Money; idempotencyKey: string }) {
    return this.operation('capture', input.reference, input.idempotencyKey);
  }

  void(input: { reference: string; idempotencyKey: string }) {
    return this.operation('void', input.reference, input.idempotencyKey);
  }

  refund(input: { reference: string; amount: Money; idempotencyKey: string }) {
    return this.operation('refund', input.reference, input.idempotencyKey);
  }

  /**
   * Test provider events: `{ id, type, data: { reference, amount? } }` with `type`
   * `charge.captured`, `charge.refunded` or `charge.voided`; other types are accepted and
   * have no effect.
   */
  parseWebhook(request: WebhookRequest): ProviderWebhookEvent {
    verifyWebhookSignature({
      header: request.headers[SIGNATURE_HEADER],
      rawBody: request.rawBody,
      secrets: request.secrets,
      now: request.now,
    });
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new WebhookPayloadError('the body is not JSON');
    }
    const event = body as {
      id?: unknown;
      type?: unknown;
      data?: { reference?: unknown; amount?: unknown };
    };
    if (typeof event !== 'object' || event === null)
      throw new WebhookPayloadError('the body is not an object');
    if (typeof event.id !== 'string' || !/^[\w.:-]{1,128}$/.test(event.id)) {
      throw new WebhookPayloadError('id must be a string of 1 to 128 word characters');
    }
    if (typeof event.type !== 'string' || !/^[\w.]{1,64}$/.test(event.type)) {
      throw new WebhookPayloadError('type must be a string');
    }
    const effect = WEBHOOK_EFFECTS[event.type] ?? 'none';
    const reference = event.data?.reference;
    if (effect !== 'none' && typeof reference !== 'string') {
      throw new WebhookPayloadError('data.reference must be a string');
    }
    const amount = event.data?.amount;
    if (amount !== undefined && !isMoney(amount)) {
      throw new WebhookPayloadError('data.amount must be money');
    }
    return {
      id: event.id,
      type: event.type,
      effect,
      reference: typeof reference === 'string' ? reference : null,
      amount: amount ?? null,
    };
  }
}

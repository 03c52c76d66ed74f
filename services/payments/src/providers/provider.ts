import type { Money } from '@bazaar/contracts';
import type { CardDetails } from './card.js';

/** Money as Bazaar writes it everywhere (`@bazaar/contracts`), re-exported for providers. */
export type { Money };

/** Why a provider refused an authorization; the `payment.failed` reasons minus `provider_error`. */
export type DeclineReason = 'declined' | 'insufficient_funds' | 'expired_card';

export type AuthorizeResult =
  | { outcome: 'authorized'; reference: string }
  | { outcome: 'declined'; reason: DeclineReason; message: string };

/** What a capture, void or refund returns: the provider's reference of that operation. */
export interface OperationResult {
  reference: string;
}

/**
 * A failure worth trying again (a timeout, a 5xx, the provider's own "processing error").
 * Anything else a provider throws is treated as permanent.
 */
export class ProviderTransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderTransientError';
  }
}

/** A webhook whose signature is missing, does not match or is too old: answered 400, no effect. */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/** A correctly signed webhook whose body is not an event the provider sends. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}

/** What a provider notification means to payments, whatever the provider calls it. */
export type WebhookEffect = 'captured' | 'refunded' | 'voided' | 'none';

export interface ProviderWebhookEvent {
  /** The provider's event id: a replay of the same id has no further effect. */
  id: string;
  /** The event type in the provider's own words, recorded as received. */
  type: string;
  effect: WebhookEffect;
  /** The provider's reference of the authorization the event is about. */
  reference: string | null;
  amount: Money | null;
}

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** The endpoint's secrets: every one is accepted (rotation). */
  secrets: readonly string[];
  now: Date;
}

/**
 * A payment provider adapter. The saga only speaks this interface; a new provider is a new
 * implementation registered by name (see `registry.ts`), nothing else changes. Every call
 * that moves money takes an idempotency key: the same key returns the first call's result.
 */
export interface PaymentProvider {
  readonly name: string;
  /** Exchanges card details for the provider's reusable token; the card stays with the provider. */
  tokenize(card: CardDetails): Promise<{ token: string }>;
  authorize(input: {
    token: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<AuthorizeResult>;
  capture(input: {
    reference: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<OperationResult>;
  void(input: { reference: string; idempotencyKey: string }): Promise<OperationResult>;
  refund(input: {
    reference: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<OperationResult>;
  /** Verifies a notification's signature and reads it; throws `WebhookSignatureError` or `WebhookPayloadError`. */
  parseWebhook(request: WebhookRequest): ProviderWebhookEvent;
}

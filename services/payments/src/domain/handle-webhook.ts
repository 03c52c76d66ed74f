import type { Kysely } from 'kysely';
import type { Database, PaymentRow, PaymentStatus } from '../db/database.js';
import { insertAttempt } from '../db/payment-attempts-repository.js';
import {
  findPaymentByOrder,
  findPaymentByReference,
  lockOrder,
  updatePayment,
} from '../db/payments-repository.js';
import { claimWebhookEvent, recordWebhookOutcome } from '../db/webhook-events-repository.js';
import { errors } from '../errors.js';
import { writePaymentRefunded } from './payment-events.js';
import {
  WebhookPayloadError,
  WebhookSignatureError,
  type ProviderWebhookEvent,
  type WebhookEffect,
} from '../providers/provider.js';
import type { PaymentsContext } from './context.js';

export type WebhookOutcome =
  /** The payment moved (captured, voided or refunded). */
  | 'applied'
  /** The payment was already where the event says (or past it). */
  | 'no_change'
  /** No payment has that provider reference. */
  | 'unknown_payment'
  /** An event type payments does not act on. */
  | 'ignored';

export interface WebhookReceipt {
  eventId: string;
  duplicate: boolean;
  outcome: WebhookOutcome;
}

/** From which statuses each effect moves a payment, and to where. */
const TRANSITIONS: Record<
  Exclude<WebhookEffect, 'none'>,
  { from: PaymentStatus[]; to: PaymentStatus }
> = {
  captured: { from: ['authorized'], to: 'captured' },
  voided: { from: ['authorized'], to: 'voided' },
  refunded: { from: ['authorized', 'captured'], to: 'refunded' },
};

const OPERATIONS = { captured: 'capture', voided: 'void', refunded: 'refund' } as const;

async function apply(
  trx: Kysely<Database>,
  found: PaymentRow,
  event: ProviderWebhookEvent & { effect: Exclude<WebhookEffect, 'none'> },
): Promise<WebhookOutcome> {
  await lockOrder(trx, found.order_id);
  const payment = (await findPaymentByOrder(trx, found.order_id))!;
  const transition = TRANSITIONS[event.effect];
  if (!transition.from.includes(payment.status)) return 'no_change';
  const amount = event.amount ?? { amount: payment.amount, currency: payment.currency };
  await updatePayment(trx, payment.id, { status: transition.to });
  await insertAttempt(trx, {
    payment_id: payment.id,
    operation: OPERATIONS[event.effect],
    outcome: 'succeeded',
    source: 'webhook',
    amount: amount.amount,
    currency: amount.currency,
    reason: null,
    message: `provider event ${event.type} ${event.id}`,
    provider_reference: null,
  });
  // Money given back outside the saga (a provider dashboard, a dispute) is still a fact the
  // order owner must hear about.
  if (transition.to === 'voided' || transition.to === 'refunded') {
    await writePaymentRefunded(trx, {
      orderId: payment.order_id,
      paymentId: payment.id,
      amount,
      provider: payment.provider,
    });
  }
  return 'applied';
}

/**
 * A provider notification: verified by the provider's adapter (signature over the raw body,
 * any of the endpoint's secrets, timestamp tolerance), deduplicated by the provider's event id,
 * then applied to the payment it names, all in one transaction. A bad signature has no effect
 * at all: nothing is written before it is verified.
 */
export async function handleProviderWebhook(
  ctx: PaymentsContext & { webhookSecrets: Readonly<Record<string, readonly string[]>> },
  db: Kysely<Database>,
  providerName: string,
  request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> },
): Promise<WebhookReceipt> {
  const provider = ctx.providers.get(providerName);
  const secrets = ctx.webhookSecrets[providerName] ?? [];
  if (!provider || secrets.length === 0) {
    throw errors.PAYMENTS_PROVIDER_NOT_FOUND(`no webhook endpoint for provider ${providerName}`);
  }
  let event: ProviderWebhookEvent;
  try {
    event = provider.parseWebhook({ ...request, secrets, now: ctx.now?.() ?? new Date() });
  } catch (error) {
    if (error instanceof WebhookSignatureError)
      throw errors.PAYMENTS_INVALID_SIGNATURE(error.message);
    if (error instanceof WebhookPayloadError) throw errors.PAYMENTS_INVALID_WEBHOOK(error.message);
    throw error;
  }

  return db.transaction().execute(async (trx) => {
    const key = { provider: providerName, eventId: event.id };
    if (!(await claimWebhookEvent(trx, { ...key, type: event.type }))) {
      ctx.log.info({ ...key }, 'webhook event already handled');
      return { eventId: event.id, duplicate: true, outcome: 'no_change' as const };
    }
    let outcome: WebhookOutcome = 'ignored';
    let paymentId: string | null = null;
    if (event.effect !== 'none' && event.reference) {
      const payment = await findPaymentByReference(trx, providerName, event.reference);
      paymentId = payment?.id ?? null;
      outcome = payment
        ? await apply(trx, payment, { ...event, effect: event.effect })
        : 'unknown_payment';
    }
    await recordWebhookOutcome(trx, { ...key, paymentId, outcome });
    ctx.log.info({ ...key, type: event.type, paymentId, outcome }, 'webhook event handled');
    return { eventId: event.id, duplicate: false, outcome };
  });
}

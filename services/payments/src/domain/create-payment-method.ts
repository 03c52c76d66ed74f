import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/database.js';
import { insertPaymentMethod } from '../db/payment-methods-repository.js';
import { errors } from '../errors.js';
import { ProviderTransientError } from '../providers/provider.js';
import { cardBrand, normalizeCardNumber, validateCard, type CardDetails } from './card.js';
import type { PaymentsContext } from './context.js';
import { withRetries } from './retry.js';

/** What a shopper (and the storefront) sees of a vaulted card. */
export interface PaymentMethodView {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/**
 * Exchanges card details for a payment method: validated, handed to the provider for a token,
 * and stored as token, brand, last four and expiry only. The number and CVC go nowhere else;
 * validation errors name the field, never its value.
 */
export async function createPaymentMethod(
  ctx: PaymentsContext & { providerName: string },
  db: Kysely<Database>,
  userId: string,
  card: CardDetails,
): Promise<PaymentMethodView> {
  const now = ctx.now?.() ?? new Date();
  // Fields are named as the schema validation of the same request names them (`body.card.cvc`).
  const problems = validateCard(card, now).map((p) => ({ ...p, field: `body.${p.field}` }));
  if (problems.length > 0) {
    throw errors.PAYMENTS_INVALID_CARD(problems.map((p) => `${p.field} ${p.message}`).join('; '), {
      errors: problems,
    });
  }
  const provider = ctx.providers.get(ctx.providerName);
  if (!provider) throw new Error(`payment provider ${ctx.providerName} is not configured`);
  const tokenized = await withRetries(() => provider.tokenize(card), ctx.retry);
  if (!tokenized.ok) {
    const last = tokenized.failures.at(-1);
    ctx.log.warn({ provider: provider.name, error: last?.name }, 'tokenization failed');
    if (last instanceof ProviderTransientError) {
      throw errors.PAYMENTS_PROVIDER_UNAVAILABLE(
        'the payment provider did not answer; try again',
        {},
        {
          'retry-after': '5',
        },
      );
    }
    throw errors.PAYMENTS_INVALID_CARD('the payment provider refused the card');
  }
  const digits = normalizeCardNumber(card.number);
  const row = await insertPaymentMethod(db, {
    id: uuidv7(),
    user_id: userId,
    provider: provider.name,
    provider_token: tokenized.value.token,
    brand: cardBrand(digits),
    last4: digits.slice(-4),
    exp_month: card.expMonth,
    exp_year: card.expYear,
  });
  ctx.log.info({ paymentMethodId: row.id, brand: row.brand }, 'payment method created');
  return {
    id: row.id,
    brand: row.brand,
    last4: row.last4,
    expMonth: row.exp_month,
    expYear: row.exp_year,
  };
}

import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/database.js';
import type { PaymentMethodRow } from '../db/database.js';
import {
  findPaymentMethod,
  findPaymentMethodByKey,
  insertPaymentMethod,
} from '../db/payment-methods-repository.js';
import { errors } from '../errors.js';
import { ProviderTransientError } from '../providers/provider.js';
import {
  cardBrand,
  normalizeCardNumber,
  validateCard,
  type CardDetails,
} from '../providers/card.js';
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

/** A method as created or found again under its key (`replayed`). */
export interface CreatedPaymentMethod {
  method: PaymentMethodView;
  replayed: boolean;
}

const viewOf = (row: PaymentMethodRow): PaymentMethodView => ({
  id: row.id,
  brand: row.brand,
  last4: row.last4,
  expMonth: row.exp_month,
  expYear: row.exp_year,
});

/**
 * The card sent again under a used key is the same card when what was kept of it matches (last
 * four, expiry); the number itself is never kept, so this is as far as the comparison can go.
 */
function sameCard(row: PaymentMethodRow, card: CardDetails): boolean {
  return (
    row.last4 === normalizeCardNumber(card.number).slice(-4) &&
    row.exp_month === card.expMonth &&
    row.exp_year === card.expYear
  );
}

function replayOf(
  row: PaymentMethodRow,
  card: CardDetails,
  replayed: boolean,
): CreatedPaymentMethod {
  if (!sameCard(row, card)) {
    throw errors.PAYMENTS_IDEMPOTENCY_KEY_REUSED(
      'this Idempotency-Key was used with another card; use a new key for a new card',
    );
  }
  return { method: viewOf(row), replayed };
}

/** A shopper's own method; another shopper's is as good as unknown (404). */
export async function getPaymentMethod(
  db: Kysely<Database>,
  userId: string,
  id: string,
): Promise<PaymentMethodView> {
  const row = await findPaymentMethod(db, id);
  if (!row || row.user_id !== userId) throw errors.PAYMENTS_NOT_FOUND('no such payment method');
  return viewOf(row);
}

/**
 * Exchanges card details for a payment method: validated, handed to the provider for a token,
 * and stored as token, brand, last four and expiry only. The number and CVC go nowhere else;
 * validation errors name the field, never its value.
 *
 * With an Idempotency-Key (per shopper), the method created under it the first time is
 * returned again (`replayed`) when the same card comes back, and another card under it is 422.
 * Two first attempts racing both tokenize; the first to insert wins and both answer its method
 * (the other token stays unused at the provider).
 */
export async function createPaymentMethod(
  ctx: PaymentsContext & { providerName: string },
  db: Kysely<Database>,
  userId: string,
  card: CardDetails,
  idempotencyKey?: string,
): Promise<CreatedPaymentMethod> {
  if (idempotencyKey !== undefined) {
    const kept = await findPaymentMethodByKey(db, userId, idempotencyKey);
    if (kept) return replayOf(kept, card, true);
  }
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
  const id = uuidv7();
  const row = await insertPaymentMethod(db, {
    id,
    user_id: userId,
    provider: provider.name,
    provider_token: tokenized.value.token,
    brand: cardBrand(digits),
    last4: digits.slice(-4),
    exp_month: card.expMonth,
    exp_year: card.expYear,
    idempotency_key: idempotencyKey ?? null,
  });
  // Not ours: a racing attempt with the same key inserted first.
  if (row.id !== id) return replayOf(row, card, true);
  ctx.log.info({ paymentMethodId: row.id, brand: row.brand }, 'payment method created');
  return { method: viewOf(row), replayed: false };
}

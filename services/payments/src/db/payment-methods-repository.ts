import type { Kysely } from 'kysely';
import type { Database, NewPaymentMethod, PaymentMethodRow } from './database.js';

export async function insertPaymentMethod(
  db: Kysely<Database>,
  method: NewPaymentMethod,
): Promise<PaymentMethodRow> {
  return db.insertInto('payment_methods').values(method).returningAll().executeTakeFirstOrThrow();
}

export async function findPaymentMethod(
  db: Kysely<Database>,
  id: string,
): Promise<PaymentMethodRow | undefined> {
  return db.selectFrom('payment_methods').selectAll().where('id', '=', id).executeTakeFirst();
}

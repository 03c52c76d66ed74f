import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { sql } from 'kysely';
import {
  claimCheckoutPaymentMethod,
  findCheckoutPaymentMethod,
} from '../src/db/checkout-payment-methods-repository.js';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { purgeOldCheckouts } from '../src/domain/purge-old-checkouts.js';

const row = (key: string, method: string) => ({
  user_id: 'u1',
  idempotency_key: key,
  payment_method_id: method,
  brand: 'visa',
  last4: '4242',
  exp_month: 12,
  exp_year: 2030,
});

describe('checkout keys', () => {
  let database: TestDatabase<Database>;

  beforeAll(async () => {
    database = await createTestDatabase<Database>('storefront_keys', migrations);
  });
  afterAll(() => database.drop());

  it('when a key is claimed twice, then the first method stays', async () => {
    const a = '01936f5e-2222-7000-8000-00000000000a';
    const b = '01936f5e-2222-7000-8000-00000000000b';
    expect((await claimCheckoutPaymentMethod(database.db, row('k1', a))).payment_method_id).toBe(a);
    expect((await claimCheckoutPaymentMethod(database.db, row('k1', b))).payment_method_id).toBe(a);
  });

  it('when keys are older than the retention, then they are forgotten and newer ones kept', async () => {
    await claimCheckoutPaymentMethod(
      database.db,
      row('old', '01936f5e-2222-7000-8000-0000000000c0'),
    );
    await claimCheckoutPaymentMethod(
      database.db,
      row('new', '01936f5e-2222-7000-8000-0000000000c1'),
    );
    await database.db
      .updateTable('checkout_payment_methods')
      .set({ created_at: sql<Date>`now() - interval '3 days'` })
      .where('idempotency_key', '=', 'old')
      .execute();
    expect(await purgeOldCheckouts(database.db)).toBe(1);
    expect(await findCheckoutPaymentMethod(database.db, 'u1', 'old')).toBeUndefined();
    expect(await findCheckoutPaymentMethod(database.db, 'u1', 'new')).toBeDefined();
  });
});

import type { EventData } from '@bazaar/contracts';
import { toOutboxRows, writeEvent, type OutboxRow } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { toProductDocument, type ProductRecord } from './product.js';

/*
 * Every event catalog publishes, each written by a function named for the fact it records, to
 * the outbox in the caller's transaction (the relay sends it after commit). Data shapes are
 * those of `@bazaar/contracts`.
 */

export async function writeProductCreated(
  trx: Kysely<Database>,
  record: ProductRecord,
): Promise<void> {
  await writeEvent(trx, {
    type: 'product.created',
    data: { product: toProductDocument(record) },
  });
}

/** One `product.updated` per product, each with its full current document. */
export async function writeProductsUpdated(
  trx: Kysely<Database>,
  records: readonly ProductRecord[],
): Promise<void> {
  for (const record of records) {
    await writeEvent(trx, {
      type: 'product.updated',
      data: { product: toProductDocument(record) },
    });
  }
}

export async function writeProductDeleted(
  trx: Kysely<Database>,
  data: EventData<'product.deleted'>,
): Promise<void> {
  await writeEvent(trx, { type: 'product.deleted', data });
}

/**
 * `stock.reserved` as its outbox row, checked against the catalogue: the reservation statement
 * inserts it with the units it takes (one round trip), and only when it takes them.
 */
export function stockReservedRow(data: EventData<'stock.reserved'>): OutboxRow {
  return toOutboxRows([{ type: 'stock.reserved', data }])[0]!;
}

export async function writeStockRejected(
  trx: Kysely<Database>,
  data: EventData<'stock.rejected'>,
): Promise<void> {
  await writeEvent(trx, { type: 'stock.rejected', data });
}

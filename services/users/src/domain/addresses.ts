import { UUID_PATTERN } from '@bazaar/service-kit';
import { v7 as uuidv7 } from 'uuid';
import type { AddressRow } from '../db/database.js';
import {
  countAddresses,
  deleteAddress as deleteAddressRow,
  insertAddress,
  listAddresses as listAddressRows,
} from '../db/addresses-repository.js';
import { lockUser } from '../db/users-repository.js';
import { errors } from '../errors.js';
import type { UsersContext } from './context.js';

export interface AddressInput {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface Address extends AddressInput {
  id: string;
  createdAt: string;
}

/** Enough for anyone; a bound keeps one account from filling the table. */
export const MAX_ADDRESSES = 50;

function toAddress(row: AddressRow): Address {
  return {
    id: row.id,
    name: row.name,
    line1: row.line1,
    ...(row.line2 !== null ? { line2: row.line2 } : {}),
    city: row.city,
    postalCode: row.postal_code,
    country: row.country,
    createdAt: row.created_at.toISOString(),
  };
}

const encodeCursor = (id: string) => Buffer.from(JSON.stringify({ id })).toString('base64url');

function decodeCursor(cursor: string): string {
  try {
    const { id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      id?: unknown;
    };
    if (typeof id === 'string' && UUID_PATTERN.test(id)) return id;
  } catch {
    // falls through to the 400
  }
  throw errors.USERS_INVALID_CURSOR('the cursor is not one this API gave out');
}

export async function listAddresses(
  ctx: UsersContext,
  userId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: Address[]; nextCursor: string | null }> {
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  const rows = await listAddressRows(ctx.db, userId, page.limit + 1, after);
  const items = rows.slice(0, page.limit).map(toAddress);
  const nextCursor = rows.length > page.limit ? encodeCursor(items.at(-1)!.id) : null;
  return { items, nextCursor };
}

export async function addAddress(
  ctx: UsersContext,
  userId: string,
  input: AddressInput,
): Promise<Address> {
  return ctx.db.transaction().execute(async (trx) => {
    // The user's row is the lock that keeps two concurrent adds from passing the bound together.
    if (!(await lockUser(trx, userId)))
      throw errors.USERS_NOT_FOUND('the account no longer exists');
    if ((await countAddresses(trx, userId)) >= MAX_ADDRESSES) {
      throw errors.USERS_ADDRESS_LIMIT(`an account keeps at most ${MAX_ADDRESSES} addresses`);
    }
    const row = await insertAddress(trx, {
      id: uuidv7(),
      user_id: userId,
      name: input.name.trim(),
      line1: input.line1.trim(),
      line2: input.line2?.trim() || null,
      city: input.city.trim(),
      postal_code: input.postalCode.trim(),
      country: input.country.toUpperCase(),
    });
    return toAddress(row);
  });
}

export async function deleteAddress(ctx: UsersContext, userId: string, id: string): Promise<void> {
  if (!(await deleteAddressRow(ctx.db, userId, id))) {
    throw errors.USERS_ADDRESS_NOT_FOUND(`no address ${id}`);
  }
}

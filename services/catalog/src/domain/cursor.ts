import { UUID_PATTERN as UUID } from '@bazaar/service-kit';
import { errors } from '../errors.js';

/**
 * Keyset cursors: the opaque base64url form of the last id a page returned. Pages are ordered
 * by id (UUIDv7, so creation order); the next page starts strictly after that id, so rows
 * inserted meanwhile never shift a page or make one repeat or skip a row.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

/** The id a cursor continues after; a cursor this service did not make is a 400. */
export function decodeCursor(cursor: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const after = (decoded as { after?: unknown } | null)?.after;
    if (typeof after === 'string' && UUID.test(after)) return after.toLowerCase();
  } catch {
    // falls through to the 400 below
  }
  throw errors.CATALOG_INVALID_CURSOR('the cursor is not one this service returned');
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

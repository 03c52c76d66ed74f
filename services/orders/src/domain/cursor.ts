/*
 * Opaque list cursors: base64url of a small JSON object holding the last id of the page. Lists
 * are keyset-paginated by id (UUIDv7 sorts by creation time), so a page never shifts when new
 * orders arrive.
 */

import { UUID_PATTERN as UUID } from '@bazaar/service-kit';

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ before: lastId })).toString('base64url');
}

/** The id a cursor points below, or undefined when the cursor is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const before = (value as { before?: unknown } | null)?.before;
    return typeof before === 'string' && UUID.test(before) ? before : undefined;
  } catch {
    return undefined;
  }
}

import { createHash } from 'node:crypto';
import { UUID_PATTERN } from '@bazaar/service-kit';
import { errors } from '../errors.js';

/** How a page was matched: every word as typed, with typo corrections, or no text at all. */
export type MatchMode = 'exact' | 'fuzzy' | 'browse';

/** What a sort key is: a relevance score, a price in minor units, or a creation time. */
export type KeyKind = 'score' | 'amount' | 'time';

/** The orders a page can be read in; `relevance` needs words (a text match). */
export type PageOrder = 'relevance' | 'price_asc' | 'price_desc' | 'newest';

/** The kind of sort key an order pages by (the engine's and the Postgres oracle's alike). */
export function keyKindOf(order: PageOrder): KeyKind {
  if (order === 'relevance') return 'score';
  return order === 'newest' ? 'time' : 'amount';
}

/** Where the next page starts: after the row with this sort key and id, in the same mode. */
export interface CursorPosition {
  mode: MatchMode;
  /**
   * The last row's sort key, printed exactly: a score as Postgres prints a float8 (shortest
   * round-trip form), an amount as an integer, a time as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
   */
  key: string;
  id: string;
}

interface CursorPayload {
  v: 1;
  /** Fingerprint of the query, filters and sort the cursor was made for. */
  f: string;
  m: MatchMode;
  k: string;
  i: string;
}

/** A short digest of everything that decides a result list (not the page size). */
export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/** An opaque base64url cursor. */
export function encodeCursor(position: CursorPosition, print: string): string {
  const payload: CursorPayload = {
    v: 1,
    f: print,
    m: position.mode,
    k: position.key,
    i: position.id,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

const MODES: readonly string[] = ['exact', 'fuzzy', 'browse'];
const SCORE = /^-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;
const AMOUNT = /^\d{1,15}$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/;

/** A real calendar time: Postgres would refuse Feb 30 where `Date.parse` rolls it over. */
function isTime(key: string): boolean {
  const parts = TIME.exec(key);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** Whether a key can be cast by Postgres to its sort column's type, so a forged one is a 400. */
export function isValidKey(kind: KeyKind, key: string): boolean {
  if (key.length > 40) return false;
  if (kind === 'score') return SCORE.test(key) && Number.isFinite(Number(key));
  if (kind === 'amount') return AMOUNT.test(key);
  return isTime(key);
}

/**
 * Reads a cursor back; a cursor that was tampered with, is malformed, or was made for another
 * query, filter or sort is a 400 (paging it against another list would skip or repeat rows).
 */
export function decodeCursor(cursor: string, print: string, kind: KeyKind): CursorPosition {
  const invalid = () => errors.SEARCH_INVALID_CURSOR('the cursor is not one this service issued');
  let payload: Partial<CursorPayload> | null;
  try {
    payload = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as Partial<CursorPayload> | null;
  } catch {
    throw invalid();
  }
  if (
    payload === null ||
    typeof payload !== 'object' ||
    payload.v !== 1 ||
    typeof payload.m !== 'string' ||
    !MODES.includes(payload.m) ||
    typeof payload.i !== 'string' ||
    !UUID_PATTERN.test(payload.i) ||
    typeof payload.k !== 'string'
  ) {
    throw invalid();
  }
  if (payload.f !== print) {
    throw errors.SEARCH_INVALID_CURSOR(
      'the cursor belongs to another query, filter or sort; start again without it',
    );
  }
  if (!isValidKey(kind, payload.k)) throw invalid();
  return { mode: payload.m as MatchMode, key: payload.k, id: payload.i };
}

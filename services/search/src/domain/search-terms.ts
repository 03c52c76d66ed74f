/** At most this many words of a query are searched; the rest are ignored. */
export const MAX_TERMS = 12;
/** A longer word is cut to this length (no product word is longer; it bounds the work). */
export const MAX_TERM_LENGTH = 64;

/** A query's words, normalized, with whether the last one is still being typed. */
export interface SearchTerms {
  /** Lower-case words (letters and digits of any script), in the order typed. */
  words: string[];
  /** The last word is matched as a prefix (search-as-you-type) unless the text ends after it. */
  lastIsPrefix: boolean;
}

// A word starts with a letter or digit and may carry combining marks (accents, vowel signs).
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;
const ENDS_IN_WORD = /[\p{L}\p{N}\p{M}]$/u;

/**
 * Splits what a shopper typed into words. Everything that is not a letter, digit or mark is a
 * separator, so operators, quotes, SQL or tsquery syntax never reach a query as anything but
 * word boundaries; the words themselves travel as bound parameters.
 */
export function parseSearchTerms(text: string | undefined): SearchTerms {
  const normalized = (text ?? '').normalize('NFKC').toLowerCase();
  const words = (normalized.match(WORD) ?? [])
    .slice(0, MAX_TERMS)
    .map((word) => [...word].slice(0, MAX_TERM_LENGTH).join(''));
  const cutShort = (normalized.match(WORD) ?? []).length > MAX_TERMS;
  return {
    words,
    lastIsPrefix: words.length > 0 && !cutShort && ENDS_IN_WORD.test(normalized),
  };
}

/** Words worth correcting when a query finds little: long enough, and not codes or sizes. */
export function isCorrectable(word: string): boolean {
  return [...word].length >= 3 && !/\p{N}/u.test(word);
}

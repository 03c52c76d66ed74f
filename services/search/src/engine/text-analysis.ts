import { stem as porter2 } from 'porter2';

/*
 * Text analysis of the in-memory index, made to read text as the Postgres path did (the
 * differential test holds the two against each other): accents folded away (`unaccent`),
 * words split at anything that is not a letter or digit, English words stemmed by Porter2
 * (Snowball's English stemmer, which Postgres's `english_stem` also is), Postgres's English
 * stop words dropped where the stemmed reading is the only one.
 */

/** Postgres's `english.stop`, so the same words are optional in a query as before. */
const STOP_WORDS = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself ' +
    'she her hers herself it its itself they them their theirs themselves what which who whom ' +
    'this that these those am is are was were be been being have has had having do does did ' +
    'doing a an the and but if or because as until while of at by for with about against ' +
    'between into through during before after above below to from up down in out on off over ' +
    'under again further then once here there when where why how all any both each few more ' +
    'most other some such no nor not only own same so than too very s t can will just don ' +
    'should now'
  ).split(' '),
);

/** Letters that carry no combining mark to strip but that `unaccent` still folds. */
const FOLDS: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};
const FOLDABLE = /[øæœßđðłþı]/g;
const MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;
const DIGIT = /\p{N}/u;
const ASCII = /^[\u0020-\u007e\t\n\r]*$/;

/** Lower case, compatibility forms unified, accents and marks removed. */
export function fold(text: string): string {
  // Plain ASCII (most catalog text) has no marks to strip nor letters to fold.
  if (ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(FOLDABLE, (letter) => FOLDS[letter]);
}

/** A folded token and where it stands in the original text (for highlights). */
export interface Token {
  word: string;
  start: number;
  end: number;
}

/** The folded words of a text, in order. */
export function words(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/**
 * The words of a text with their offsets in the text itself: each word is folded on its own,
 * so an offset is never shifted by a fold that changes length (ß to ss).
 */
export function tokens(text: string): Token[] {
  if (ASCII.test(text)) return asciiTokens(text);
  const found: Token[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu)) {
    const folded = fold(match[0]).match(WORD) ?? [];
    if (folded.length === 0) continue;
    found.push({ word: folded.join(''), start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/**
 * {@link tokens} of plain ASCII text (most catalog text), by one scan of its lower case: there
 * a word is a run of letters and digits and folding is lower-casing, so this finds the same
 * tokens without a regular-expression match and a fold per word (a page's highlights
 * tokenize every hit's description: this was most of what a search allocated).
 */
function asciiTokens(text: string): Token[] {
  const found: Token[] = [];
  const lower = text.toLowerCase();
  let start = -1;
  for (let at = 0; at <= lower.length; at += 1) {
    const code = at < lower.length ? lower.charCodeAt(at) : 0;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      if (start < 0) start = at;
    } else if (start >= 0) {
      found.push({ word: lower.slice(start, at), start, end: at });
      start = -1;
    }
  }
  return found;
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/**
 * The stemmed reading of a folded word, or null for a stop word. Words with digits (model
 * codes, sizes) are kept as they are, as Postgres's parser hands them to the simple dictionary.
 */
export function stemOf(word: string): string | null {
  if (STOP_WORDS.has(word)) return null;
  let stem = stems.get(word);
  if (stem === undefined) {
    stem = DIGIT.test(word) ? word : porter2(word);
    // A catalog's vocabulary is small next to its text: building 100,000 products stems each
    // distinct word once instead of ~4 million times. Bounded, for a vocabulary of codes.
    if (stems.size >= STEM_CACHE) stems.clear();
    stems.set(word, stem);
  }
  return stem;
}

const STEM_CACHE = 500_000;
const stems = new Map<string, string>();

export function hasDigit(word: string): boolean {
  return DIGIT.test(word);
}

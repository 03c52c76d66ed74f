import { SortedTerms } from './sorted-terms.js';

/**
 * Optimal string alignment distance (Damerau–Levenshtein where a transposition of two
 * neighbouring characters counts as one edit, as a typo does), or `max + 1` as soon as it
 * exceeds `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  let before = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, before[j - 2] + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}

/** Edits allowed for a word: one from 4 characters, two from 8 (shorter words: none). */
export function allowedEdits(word: string): number {
  if (word.length >= 8) return 2;
  return word.length >= 4 ? 1 : 0;
}

/** A dictionary word near a misspelt one. */
export interface Correction {
  word: string;
  distance: number;
}

/**
 * The typo dictionary: words with how many documents use them. Candidates for a misspelt word
 * come from the pigeonhole principle: with at most `k` edits, one of the word's `k + 1` parts
 * is intact. The first and last parts are looked up as prefixes in the words and in the words
 * reversed (two sorted arrays); with two edits allowed, the one case those miss (an edit in
 * each end) leaves the middle intact, and it is looked up by its rarest trigram among the
 * longer words. Candidates are then checked by edit distance.
 */
export class TypoDictionary {
  private readonly counts = new Map<string, number>();
  private forward = new SortedTerms();
  private backward = new SortedTerms();
  /** Trigram → the words of {@link GRAM_WORD_LENGTH} characters or more that contain it. */
  private grams = new Map<string, string[]>();

  /** Words of at least 3 and at most 40 characters enter the dictionary. */
  static accepts(word: string): boolean {
    return word.length >= 3 && word.length <= 40;
  }

  add(word: string): void {
    const count = this.counts.get(word) ?? 0;
    this.counts.set(word, count + 1);
    if (count === 0 && !this.building) {
      this.forward.add(word);
      this.backward.add(reverse(word));
      this.addGrams(word);
    }
  }

  remove(word: string): void {
    const count = this.counts.get(word);
    if (count === undefined) return;
    if (count > 1) {
      this.counts.set(word, count - 1);
      return;
    }
    this.counts.delete(word);
    this.forward.delete(word);
    this.backward.delete(reverse(word));
    if (word.length < GRAM_WORD_LENGTH) return;
    for (const gram of gramsOf(word)) {
      const words = this.grams.get(gram)!;
      words.splice(words.indexOf(word), 1);
      if (words.length === 0) this.grams.delete(gram);
    }
  }

  private addGrams(word: string): void {
    if (word.length < GRAM_WORD_LENGTH) return;
    for (const gram of gramsOf(word)) {
      const words = this.grams.get(gram);
      if (words) words.push(word);
      else this.grams.set(gram, [word]);
    }
  }

  has(word: string): boolean {
    return this.counts.has(word);
  }

  private building = false;

  /** Adds many words, sorting once at the end. */
  bulk(fill: () => void): void {
    this.beginBulk();
    try {
      fill();
    } finally {
      this.endBulk();
    }
  }

  /** {@link bulk} in two halves, for words added across several calls (a streamed build). */
  beginBulk(): void {
    this.building = true;
  }

  endBulk(): void {
    this.building = false;
    this.forward = SortedTerms.of(this.counts.keys());
    this.backward = SortedTerms.of([...this.counts.keys()].map(reverse));
    this.grams = new Map();
    for (const word of this.counts.keys()) this.addGrams(word);
  }

  /**
   * Dictionary words within the allowed edits of `word` (not the word itself), closest first,
   * then the most used, then alphabetical; at most `limit`.
   */
  corrections(word: string, limit: number): Correction[] {
    const max = allowedEdits(word);
    if (max === 0) return [];
    const part = Math.max(1, Math.floor(word.length / (max + 1)));
    // The part must stay clear of the edits, and a transposition touches two characters.
    const head = word.slice(0, Math.max(1, part - 1));
    const tail = reverse(word.slice(word.length - Math.max(1, part - 1)));
    const found = new Map<string, number>();
    const check = (candidate: string) => {
      if (candidate === word || found.has(candidate)) return;
      const distance = editDistance(word, candidate, max);
      if (distance <= max) found.set(candidate, distance);
    };
    for (const candidate of this.forward.withPrefix(head)) check(candidate);
    for (const candidate of this.backward.withPrefix(tail)) check(reverse(candidate));
    if (max === 2) {
      // One edit in each end (each possibly a transposition reaching one character further in):
      // the middle between them is intact, so its rarest trigram is in the intended word.
      const middle = word.slice(head.length + 1, word.length - tail.length - 1);
      let rarest: string[] | undefined;
      for (const gram of gramsOf(middle)) {
        const words = this.grams.get(gram) ?? [];
        if (rarest === undefined || words.length < rarest.length) rarest = words;
      }
      for (const candidate of rarest ?? []) check(candidate);
    }
    return [...found]
      .map(([candidate, distance]) => ({ word: candidate, distance }))
      .sort(
        (a, b) =>
          a.distance - b.distance ||
          (this.counts.get(b.word) ?? 0) - (this.counts.get(a.word) ?? 0) ||
          (a.word < b.word ? -1 : 1),
      )
      .slice(0, limit);
  }
}

/** Words this long or longer are in the trigram lookup (two edits from 8 characters). */
const GRAM_WORD_LENGTH = 6;

/** The distinct trigrams of a word (none when it is shorter than three characters). */
function gramsOf(word: string): Set<string> {
  const grams = new Set<string>();
  for (let at = 0; at + 3 <= word.length; at += 1) grams.add(word.slice(at, at + 3));
  return grams;
}

function reverse(word: string): string {
  return [...word].reverse().join('');
}

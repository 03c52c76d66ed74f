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
 * are the words that share its beginning or its end (by the pigeonhole principle, with at most
 * `k` edits one of the word's `k + 1` parts is intact; the first and last parts are looked up,
 * as prefixes in the words and in the words reversed), then checked by edit distance. A word
 * whose edits all fall in its first and last part can be missed, a price for answering in
 * microseconds from two sorted arrays instead of a deletion index many times the dictionary's
 * size.
 */
export class TypoDictionary {
  private readonly counts = new Map<string, number>();
  private forward = new SortedTerms();
  private backward = new SortedTerms();

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

function reverse(word: string): string {
  return [...word].reverse().join('');
}

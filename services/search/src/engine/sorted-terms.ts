/**
 * A sorted set of strings kept in one array: insertion and removal by binary search (a splice,
 * cheap next to the rare product change that causes it), and every member with a prefix as one
 * contiguous range, which is what prefix queries and typo candidates read.
 */
export class SortedTerms {
  private terms: string[] = [];

  /** Builds from many terms at once (sorting once beats inserting one by one). */
  static of(terms: Iterable<string>): SortedTerms {
    const sorted = new SortedTerms();
    sorted.terms = [...new Set(terms)].sort(compare);
    return sorted;
  }

  /** Replaces every member at once. */
  replaceAll(terms: Iterable<string>): void {
    this.terms = [...new Set(terms)].sort(compare);
  }

  get size(): number {
    return this.terms.length;
  }

  add(term: string): void {
    const at = this.lowerBound(term);
    if (this.terms[at] !== term) this.terms.splice(at, 0, term);
  }

  delete(term: string): void {
    const at = this.lowerBound(term);
    if (this.terms[at] === term) this.terms.splice(at, 1);
  }

  has(term: string): boolean {
    return this.terms[this.lowerBound(term)] === term;
  }

  /** Every member starting with `prefix`, in order. */
  *withPrefix(prefix: string): Generator<string> {
    for (let at = this.lowerBound(prefix); at < this.terms.length; at += 1) {
      const term = this.terms[at];
      if (!term.startsWith(prefix)) return;
      yield term;
    }
  }

  private lowerBound(term: string): number {
    let low = 0;
    let high = this.terms.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(this.terms[middle], term) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Code-unit order: a prefix's members are contiguous in it. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

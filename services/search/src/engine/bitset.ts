/**
 * A fixed-capacity set of document numbers, one bit each in 32-bit words. Posting lists stay
 * sparse arrays (most words are in few products); a query turns each word's postings into one
 * of these and intersects them word by word, and filters and facet values are kept as these.
 *
 * Measured against CRoaring's port (`roaring`): its native build needs node-gyp to fetch Node's
 * headers, which this machine cannot, and at 100,000 documents a dense set is 12.5 KB, so a
 * query's few intersections of them cost microseconds either way.
 */
export class Bitset {
  words: Uint32Array;

  constructor(capacity: number) {
    this.words = new Uint32Array(Math.ceil(Math.max(capacity, 1) / 32));
  }

  get capacity(): number {
    return this.words.length * 32;
  }

  /** Grows (never shrinks) to hold at least `capacity` documents. */
  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const words = new Uint32Array(Math.ceil(capacity / 32));
    words.set(this.words);
    this.words = words;
  }

  add(doc: number): void {
    this.words[doc >>> 5] |= 1 << (doc & 31);
  }

  delete(doc: number): void {
    this.words[doc >>> 5] &= ~(1 << (doc & 31));
  }

  has(doc: number): boolean {
    return (this.words[doc >>> 5] & (1 << (doc & 31))) !== 0;
  }

  clear(): void {
    this.words.fill(0);
  }

  /** This ∧ other, in place. A shorter `other` reads as zeros past its end. */
  and(other: Bitset): this {
    const length = Math.min(this.words.length, other.words.length);
    for (let i = 0; i < length; i += 1) this.words[i] &= other.words[i];
    this.words.fill(0, length);
    return this;
  }

  /** This ∨ other, in place (this must be at least as large). */
  or(other: Bitset): this {
    const length = Math.min(this.words.length, other.words.length);
    for (let i = 0; i < length; i += 1) this.words[i] |= other.words[i];
    return this;
  }

  copyFrom(other: Bitset): this {
    this.grow(other.capacity);
    this.words.fill(0);
    this.words.set(other.words.subarray(0, this.words.length));
    return this;
  }

  count(): number {
    let total = 0;
    for (const word of this.words) total += popcount(word);
    return total;
  }

  /**
   * The members in ascending order; `size` is their count when known (else counted). Written
   * into the start of `into` when it is large enough (a view of it is returned).
   */
  members(size = this.count(), into?: Int32Array): Int32Array {
    const out = into && into.length >= size ? into.subarray(0, size) : new Int32Array(size);
    const words = this.words;
    let at = 0;
    for (let i = 0; i < words.length && at < size; i += 1) {
      let word = words[i];
      while (word !== 0) {
        const low = word & -word;
        out[at] = (i << 5) + 31 - Math.clz32(low);
        at += 1;
        word ^= low;
      }
    }
    return out;
  }

  /** Calls `visit` with each member, in ascending order. */
  forEach(visit: (doc: number) => void): void {
    const words = this.words;
    for (let i = 0; i < words.length; i += 1) {
      let word = words[i];
      while (word !== 0) {
        const low = word & -word;
        visit((i << 5) + 31 - Math.clz32(low));
        word ^= low;
      }
    }
  }
}

/** How many bits of a 32-bit word are set. */
export function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

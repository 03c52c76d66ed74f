import { PRICE_THRESHOLDS } from './price-thresholds.js';
import { Bitset } from './bitset.js';
import { FIELD, Posting } from './postings.js';
import { SortedOrder } from './sorted-order.js';
import { SortedTerms } from './sorted-terms.js';
import { stemOf, words } from './text-analysis.js';
import { TypoDictionary } from './typos.js';

/** While products keep changing, a presorted order is rebuilt at most this often. */
const SORT_INTERVAL_MS = 1000;

/** A product as the index holds it: what is searched, filtered, sorted and shown. */
export interface IndexedProduct {
  id: string;
  version: number;
  sku: string;
  name: string;
  description: string;
  brand: string;
  categoryId: string | null;
  categoryName: string | null;
  /** Ancestors' ids (root first) and the category's own id. */
  categoryPath: string[];
  priceAmount: number;
  priceCurrency: string;
  stockAvailable: number;
  /** Creation time printed as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (the `newest` cursor key). */
  createdAt: string;
}

/** A change to apply: a product's document, or its deletion as of a version. */
export type IndexChange =
  { kind: 'upsert'; product: IndexedProduct } | { kind: 'delete'; id: string; version: number };

interface Stored {
  product: IndexedProduct;
  /** The product's lexemes (their fields are in the postings), to remove it again. */
  lexemes: string[];
  /** The name's words joined by spaces: a query of exactly these words ranks first. */
  nameKey: string;
  dictionaryWords: string[];
}

/** Microseconds since the epoch of a printed creation time (exact in a float64). */
export function timeKey(printed: string): number {
  return Date.parse(`${printed.slice(0, 23)}Z`) * 1000 + Number(printed.slice(23, 26));
}

/** `width_bucket(amount, PRICE_THRESHOLDS)`: how many thresholds are at or below the price. */
export function priceBucket(amount: number): number {
  let bucket = 0;
  while (bucket < PRICE_THRESHOLDS.length && amount >= PRICE_THRESHOLDS[bucket]) bucket += 1;
  return bucket;
}

/** The product's lexemes: name, brand and category as typed and stemmed, description stemmed. */
function lexemesOf(product: IndexedProduct): Map<string, number> {
  const lexemes = new Map<string, number>();
  const add = (lexeme: string, field: number) =>
    lexemes.set(lexeme, (lexemes.get(lexeme) ?? 0) | field);
  const both = (text: string, field: number) => {
    for (const word of words(text)) {
      add(word, field);
      const stem = stemOf(word);
      if (stem !== null) add(stem, field);
    }
  };
  both(product.name, FIELD.name);
  both(product.brand, FIELD.brand);
  both(product.categoryName ?? '', FIELD.category);
  for (const word of words(product.description)) {
    const stem = stemOf(word);
    if (stem !== null) add(stem, FIELD.description);
  }
  return lexemes;
}

/**
 * The in-memory index of one search replica: posting lists per lexeme, per-document columns
 * in typed arrays, and filters and facet values as bitsets over document numbers. Applying a
 * change follows the same version rule as the table it is read from, so a change read twice,
 * or late, changes nothing. Queries run in `query.ts`.
 */
export class SearchIndex {
  /** Document number → product (undefined: a free number). */
  readonly stored: (Stored | undefined)[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly free: number[] = [];
  /** Every id ever applied, with its version and whether that version is a deletion. */
  private readonly versions = new Map<string, { version: number; deleted: boolean }>();

  readonly postings = new Map<string, Posting>();
  readonly lexemes = new SortedTerms();
  readonly dictionary = new TypoDictionary();

  live = new Bitset(1024);
  inStock = new Bitset(1024);
  /** Category id → the documents in it or in any of its sub-categories. */
  readonly inCategory = new Map<string, Bitset>();
  /** Brand number → its documents; names by number in `brandNames`. */
  readonly brandNames: string[] = [];
  readonly brandDocs: Bitset[] = [];
  private readonly brandNumbers = new Map<string, number>();
  /** Category number (the product's own category) → id and its label; -1: none. */
  readonly categoryIds: string[] = [];
  readonly categoryLabels: (string | null)[] = [];
  private readonly categoryNumbers = new Map<string, number>();

  price = new Float64Array(1024);
  created = new Float64Array(1024);
  bucket = new Uint8Array(1024);
  brandOf = new Int32Array(1024);
  categoryOf = new Int32Array(1024);
  /** Words in each document's name (relevance reads it for every match). */
  nameWordCount = new Uint16Array(1024);
  /** A name's words joined by spaces → the documents named exactly so (the exact-name boost). */
  private readonly named = new Map<string, number[]>();

  /** Counts every document added or removed: the presorted orders are read at one count. */
  private mutations = 0;
  /** The count the presorted orders were last brought up to, and when. */
  private sortedAt = { mutations: -1, time: -Infinity };
  private readonly byId = (a: number, b: number): number => {
    const idA = this.stored[a]!.product.id;
    const idB = this.stored[b]!.product.id;
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  };
  private readonly orders = {
    price: new SortedOrder((a, b) => this.price[a] - this.price[b] || this.byId(a, b)),
    created: new SortedOrder((a, b) => this.created[a] - this.created[b] || this.byId(a, b)),
    id: new SortedOrder(this.byId),
  };
  /** `idRanks`' answer, for the id order it was computed from. */
  private ranks: { of: Int32Array; ranks: Int32Array } | null = null;
  /** The lowest and highest price ever indexed: a range covering both filters nothing. */
  private lowestPrice = Infinity;
  private highestPrice = -Infinity;

  private scratchArrays = {
    score: new Float64Array(0),
    nameHits: new Uint8Array(0),
    best: new Float64Array(0),
    members: new Int32Array(0),
    flags: new Uint8Array(0),
    ranked: new Int32Array(0),
  };

  /**
   * Per-document work arrays for ranking, reused by every query (queries run one at a time on
   * the event loop); a query clears the entries it uses. `members` holds a query's matching
   * document numbers, so a broad query allocates no array of its matches (less to collect).
   */
  scratch(): {
    score: Float64Array;
    nameHits: Uint8Array;
    best: Float64Array;
    members: Int32Array;
    /** All zero between queries (a query resets the entries it sets). */
    flags: Uint8Array;
    /** Documents relevance scores one by one (the others share a score). */
    ranked: Int32Array;
  } {
    if (this.scratchArrays.score.length < this.capacity) {
      const size = this.price.length;
      this.scratchArrays = {
        score: new Float64Array(size),
        nameHits: new Uint8Array(size),
        best: new Float64Array(size),
        members: new Int32Array(size),
        flags: new Uint8Array(size),
        ranked: new Int32Array(size),
      };
    }
    return this.scratchArrays;
  }

  minPrice(): number {
    return this.lowestPrice;
  }

  maxPrice(): number {
    return this.highestPrice;
  }

  /**
   * The live documents ascending by price or creation time, ties by id (a page in price or
   * newest order is read off it), brought up to date on first use after products changed (the
   * changed documents merged into the previous order), at most once a second while they keep
   * changing (null meanwhile: the query scans its matches instead).
   */
  sortedBy(column: 'price' | 'created'): Int32Array | null {
    if (!this.fresh()) return null;
    return this.orders[column].current(this.live, this.size);
  }

  /** The live documents ascending by id, under the same rule as {@link sortedBy}. */
  sortedById(): Int32Array | null {
    if (!this.fresh()) return null;
    return this.orders.id.current(this.live, this.size);
  }

  /**
   * Each live document's place in id order (a tie between equal sort keys compares two of
   * these rather than two id strings), under the same rule as {@link sortedBy}.
   */
  idRanks(): Int32Array | null {
    if (!this.fresh()) return null;
    const order = this.orders.id.current(this.live, this.size);
    if (this.ranks?.of !== order) {
      const ranks = new Int32Array(this.capacity);
      for (let rank = 0; rank < order.length; rank += 1) ranks[order[rank]] = rank;
      this.ranks = { of: order, ranks };
    }
    return this.ranks.ranks;
  }

  /** Whether the presorted orders may be read now (brought up to date at most once a second). */
  private fresh(): boolean {
    if (this.sortedAt.mutations !== this.mutations) {
      const now = performance.now();
      if (now - this.sortedAt.time < SORT_INTERVAL_MS) return false;
      this.sortedAt = { mutations: this.mutations, time: now };
    }
    return true;
  }

  /** A document was added or removed: every presorted order is told. */
  private touched(doc: number): void {
    this.mutations += 1;
    this.orders.price.touch(doc);
    this.orders.created.touch(doc);
    this.orders.id.touch(doc);
  }

  /** The documents whose name is exactly these words (joined by single spaces). */
  namedExactly(phrase: string): readonly number[] {
    return this.named.get(phrase) ?? [];
  }

  /** Live products. */
  get size(): number {
    return this.numbers.size;
  }

  /** Document numbers in use or freed (the size every per-document array needs). */
  get capacity(): number {
    return this.stored.length;
  }

  numberOf(id: string): number | undefined {
    return this.numbers.get(id);
  }

  /**
   * Applies a change unless a newer version (or a deletion of the same version) was applied
   * before. Returns whether the index changed.
   */
  apply(change: IndexChange): boolean {
    const id = change.kind === 'upsert' ? change.product.id : change.id;
    const version = change.kind === 'upsert' ? change.product.version : change.version;
    const known = this.versions.get(id);
    const newer =
      !known ||
      version > known.version ||
      // The deletion of version n ends the life of the product as version n described it.
      (change.kind === 'delete' && version === known.version && !known.deleted);
    if (!newer) return false;
    this.versions.set(id, { version, deleted: change.kind === 'delete' });
    this.removeDocument(id);
    if (change.kind === 'upsert') this.addDocument(change.product);
    return true;
  }

  /** Loads many products into an empty index, sorting its term lists once at the end. */
  build(products: Iterable<IndexedProduct>): void {
    const builder = this.builder();
    builder.add(products);
    builder.finish();
  }

  /**
   * {@link build} in batches, so a replica indexes one page of its snapshot while the next is
   * read: `add` each batch, then `finish` once (the index answers queries only after).
   */
  builder(): { add(products: Iterable<IndexedProduct>): void; finish(): void } {
    this.dictionary.beginBulk();
    return {
      add: (products) => {
        for (const product of products) {
          this.versions.set(product.id, { version: product.version, deleted: false });
          this.addDocument(product, false);
        }
      },
      finish: () => {
        this.dictionary.endBulk();
        this.lexemes.replaceAll(this.postings.keys());
      },
    };
  }

  /** The ids the index holds, with versions (deleted ones included): for convergence checks. */
  *entries(): Generator<[string, number, boolean]> {
    for (const [id, { version, deleted }] of this.versions) yield [id, version, deleted];
  }

  private addDocument(product: IndexedProduct, sortTerms = true): void {
    const doc = this.free.pop() ?? this.stored.length;
    if (doc === this.stored.length) {
      this.stored.push(undefined);
      this.growTo(this.stored.length);
    }
    if (product.priceAmount < this.lowestPrice) this.lowestPrice = product.priceAmount;
    if (product.priceAmount > this.highestPrice) this.highestPrice = product.priceAmount;
    const lexemes = lexemesOf(product);
    const nameWords = words(product.name);
    const dictionaryWords = [
      ...new Set([...nameWords, ...words(product.brand), ...words(product.categoryName ?? '')]),
    ].filter((word) => TypoDictionary.accepts(word));
    const nameKey = nameWords.join(' ');
    this.stored[doc] = {
      product,
      lexemes: [...lexemes.keys()],
      nameKey,
      dictionaryWords,
    };
    this.nameWordCount[doc] = Math.min(nameWords.length, 0xffff);
    const sameName = this.named.get(nameKey);
    if (sameName) sameName.push(doc);
    else this.named.set(nameKey, [doc]);
    this.numbers.set(product.id, doc);
    for (const [lexeme, fields] of lexemes) {
      let posting = this.postings.get(lexeme);
      if (!posting) {
        posting = new Posting();
        this.postings.set(lexeme, posting);
        if (sortTerms) this.lexemes.add(lexeme);
      }
      posting.add(doc, fields);
    }
    for (const word of dictionaryWords) this.dictionary.add(word);
    this.live.add(doc);
    if (product.stockAvailable > 0) this.inStock.add(doc);
    else this.inStock.delete(doc);
    for (const categoryId of product.categoryPath) {
      let set = this.inCategory.get(categoryId);
      if (!set) {
        set = new Bitset(this.price.length);
        this.inCategory.set(categoryId, set);
      }
      set.grow(this.price.length);
      set.add(doc);
    }
    this.brandOf[doc] = this.brandNumber(product.brand);
    this.brandDocs[this.brandOf[doc]].grow(this.price.length);
    this.brandDocs[this.brandOf[doc]].add(doc);
    this.categoryOf[doc] =
      product.categoryId === null
        ? -1
        : this.categoryNumber(product.categoryId, product.categoryName);
    this.price[doc] = product.priceAmount;
    this.created[doc] = timeKey(product.createdAt);
    this.bucket[doc] = priceBucket(product.priceAmount);
    this.touched(doc);
  }

  private removeDocument(id: string): void {
    const doc = this.numbers.get(id);
    if (doc === undefined) return;
    const stored = this.stored[doc];
    if (!stored) return;
    this.touched(doc);
    for (const lexeme of stored.lexemes) {
      const posting = this.postings.get(lexeme);
      if (!posting) continue;
      posting.remove(doc);
      if (posting.size === 0) {
        this.postings.delete(lexeme);
        this.lexemes.delete(lexeme);
      }
    }
    for (const word of stored.dictionaryWords) this.dictionary.remove(word);
    const sameName = this.named.get(stored.nameKey)!;
    if (sameName.length === 1) this.named.delete(stored.nameKey);
    else sameName.splice(sameName.indexOf(doc), 1);
    this.live.delete(doc);
    this.inStock.delete(doc);
    for (const categoryId of stored.product.categoryPath)
      this.inCategory.get(categoryId)?.delete(doc);
    this.brandDocs[this.brandOf[doc]].delete(doc);
    this.stored[doc] = undefined;
    this.numbers.delete(id);
    this.free.push(doc);
  }

  private brandNumber(brand: string): number {
    let number = this.brandNumbers.get(brand);
    if (number === undefined) {
      number = this.brandNames.length;
      this.brandNames.push(brand);
      this.brandDocs.push(new Bitset(this.price.length));
      this.brandNumbers.set(brand, number);
    }
    return number;
  }

  brandNumberOf(brand: string): number | undefined {
    return this.brandNumbers.get(brand);
  }

  private categoryNumber(id: string, label: string | null): number {
    let number = this.categoryNumbers.get(id);
    if (number === undefined) {
      number = this.categoryIds.length;
      this.categoryIds.push(id);
      this.categoryLabels.push(label);
      this.categoryNumbers.set(id, number);
    } else if (label !== null) {
      this.categoryLabels[number] = label;
    }
    return number;
  }

  private growTo(documents: number): void {
    if (documents <= this.price.length) return;
    const size = this.price.length * 2;
    const grow = <T extends Float64Array | Uint8Array | Uint16Array | Int32Array>(
      array: T,
      make: (n: number) => T,
    ): T => {
      const next = make(size);
      next.set(array);
      return next;
    };
    this.price = grow(this.price, (n) => new Float64Array(n));
    this.created = grow(this.created, (n) => new Float64Array(n));
    this.bucket = grow(this.bucket, (n) => new Uint8Array(n));
    this.brandOf = grow(this.brandOf, (n) => new Int32Array(n));
    this.categoryOf = grow(this.categoryOf, (n) => new Int32Array(n));
    this.nameWordCount = grow(this.nameWordCount, (n) => new Uint16Array(n));
    this.live.grow(size);
    this.inStock.grow(size);
  }
}

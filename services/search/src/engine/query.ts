import type { MatchMode, PageOrder } from '../domain/cursor.js';
import type { SearchFilters } from '../domain/search-request.js';
import type { SearchTerms } from '../domain/search-terms.js';
import { Bitset, popcount } from './bitset.js';
import { highlightAll, leadingWords, matcherOf, snippet } from './highlight.js';
import { FIELD } from './postings.js';
import { timeKey, type IndexedProduct, type SearchIndex } from './search-index.js';
import { stemOf, words } from './text-analysis.js';

/** Fewer matches than this for the words as typed, and typo corrections widen the query. */
export const FUZZY_MIN_HITS = 3;
/** At most this many dictionary words stand in for one misspelt word. */
export const MAX_ALTERNATIVES = 3;

export interface EngineQuery {
  terms: SearchTerms;
  filters: SearchFilters;
  order: PageOrder;
  /** Start after this row: its printed sort key and id (a cursor's). */
  after: { key: string; id: string } | null;
  limit: number;
  /** The mode the first page was read in (a later page keeps it), or null on a first page. */
  mode: MatchMode | null;
}

export interface EngineHit {
  product: IndexedProduct;
  /** The sort key printed exactly, for the next cursor. */
  key: string;
  highlight: { name: string; description: string };
}

export interface EngineCounts {
  total: number;
  /** Category id, label and count, for every category with matches. */
  categories: { value: string; label: string | null; count: number }[];
  brands: { value: string; count: number }[];
  /** Count by price bucket number (0 = below the first threshold). */
  prices: Map<number, number>;
}

export interface EngineResult {
  mode: MatchMode;
  counts: EngineCounts;
  /** The page, plus one more hit when another page follows. */
  hits: EngineHit[];
}

/** What one query word matches: lexemes, as typed and as corrected. */
interface WordPlan {
  lexemes: string[];
}

/** Field weights: a word in the name counts ten times one in the description. */
function weightOf(fields: number): number {
  if (fields & FIELD.name) return 1;
  if (fields & FIELD.brand) return 0.4;
  if (fields & FIELD.category) return 0.2;
  return 0.1;
}

/** {@link weightOf} for every field mask, looked up rather than branched on per posting. */
const WEIGHTS = Float64Array.from({ length: 16 }, (_, fields) => weightOf(fields));

function folded(word: string): string {
  return words(word).join('');
}

/** Whole word: its stem and the word as typed (Postgres: english | simple). */
function wholeLexemes(word: string): string[] {
  const stem = stemOf(word);
  return stem === null || stem === word ? [word] : [word, stem];
}

/** A word being typed: every lexeme starting with it, or with its stem. */
function prefixLexemes(index: SearchIndex, word: string): string[] {
  const found = new Set(index.lexemes.withPrefix(word));
  const stem = stemOf(word);
  if (stem !== null && stem !== word)
    for (const lexeme of index.lexemes.withPrefix(stem)) found.add(lexeme);
  return [...found];
}

/**
 * The words' plans: every word must match (its lexemes or its corrections'); a whole word that
 * is a stop word is dropped, unless every word is one, when all are matched as typed.
 */
function planOf(
  index: SearchIndex,
  terms: SearchTerms,
  corrections: ReadonlyMap<number, string[]>,
): WordPlan[] {
  const last = terms.words.length - 1;
  const plans: WordPlan[] = [];
  terms.words.forEach((typed, position) => {
    const word = folded(typed);
    if (word === '') return;
    const prefix = terms.lastIsPrefix && position === last;
    if (!prefix && stemOf(word) === null) return;
    const lexemes = prefix ? prefixLexemes(index, word) : wholeLexemes(word);
    for (const alternative of corrections.get(position) ?? [])
      lexemes.push(...wholeLexemes(alternative));
    plans.push({ lexemes });
  });
  if (plans.length > 0) return plans;
  return terms.words.map((typed) => ({ lexemes: [folded(typed)] }));
}

/** Documents that match every word's plan. */
function matching(index: SearchIndex, plans: WordPlan[]): Bitset {
  const capacity = index.capacity;
  const result = new Bitset(capacity).copyFrom(index.live);
  const word = new Bitset(capacity);
  for (const plan of plans) {
    word.clear();
    for (const lexeme of plan.lexemes) {
      const posting = index.postings.get(lexeme);
      if (!posting) continue;
      const docs = posting.docs;
      for (let i = 0; i < posting.size; i += 1) word.add(docs[i]);
    }
    result.and(word);
  }
  return result;
}

interface Counted {
  counts: EngineCounts;
  /** Documents passing every filter. */
  passing: Bitset;
}

/**
 * The total and every facet in one pass over the matches. Category counts apply all filters;
 * brand counts every filter but the brand one and price counts every filter but the price
 * one, so a shopper sees the other brands and ranges they can switch to.
 *
 * Word by word over the match bitset: a zero word (32 documents) costs one read, the total is
 * a popcount when only whole-set filters apply, and each member costs a few typed-array reads
 * in one loop without calls (a callback per member was most of a broad query's time).
 */
function count(index: SearchIndex, matches: Bitset, filters: SearchFilters): Counted {
  const base = matches;
  if (filters.categoryId !== undefined) {
    const inCategory = index.inCategory.get(filters.categoryId);
    if (inCategory) base.and(inCategory);
    else base.clear();
  }
  if (filters.inStock) base.and(index.inStock);
  let brandOk: Uint8Array | null = null;
  if (filters.brands) {
    brandOk = new Uint8Array(index.brandNames.length);
    for (const brand of filters.brands) {
      const number = index.brandNumberOf(brand);
      if (number !== undefined) brandOk[number] = 1;
    }
  }
  const min = filters.minPrice ?? -Infinity;
  const max = filters.maxPrice ?? Infinity;
  const priceFiltered = min > index.minPrice() || max < index.maxPrice();
  const brandCounts = new Int32Array(index.brandNames.length);
  const categoryCounts = new Int32Array(index.categoryIds.length);
  const priceCounts = new Int32Array(8);
  const passing = new Bitset(index.capacity);
  const { brandOf, categoryOf, price, bucket } = index;
  const from = base.words;
  const to = passing.words;
  const length = Math.min(from.length, to.length);
  let total = 0;
  if (brandOk === null && !priceFiltered) {
    for (let i = 0; i < length; i += 1) {
      let word = from[i];
      if (word === 0) continue;
      to[i] = word;
      total += popcount(word);
      while (word !== 0) {
        const low = word & -word;
        const doc = (i << 5) + 31 - Math.clz32(low);
        word ^= low;
        brandCounts[brandOf[doc]] += 1;
        priceCounts[bucket[doc]] += 1;
        const category = categoryOf[doc];
        if (category >= 0) categoryCounts[category] += 1;
      }
    }
  } else {
    for (let i = 0; i < length; i += 1) {
      let word = from[i];
      if (word === 0) continue;
      let kept = 0;
      while (word !== 0) {
        const low = word & -word;
        const doc = (i << 5) + 31 - Math.clz32(low);
        word ^= low;
        const byBrand = brandOk === null || brandOk[brandOf[doc]] === 1;
        const byPrice = price[doc] >= min && price[doc] <= max;
        if (byPrice) brandCounts[brandOf[doc]] += 1;
        if (byBrand) priceCounts[bucket[doc]] += 1;
        if (byBrand && byPrice) {
          kept |= low;
          const category = categoryOf[doc];
          if (category >= 0) categoryCounts[category] += 1;
        }
      }
      to[i] = kept;
      total += popcount(kept);
    }
  }
  const counts: EngineCounts = { total, categories: [], brands: [], prices: new Map() };
  categoryCounts.forEach((n, category) => {
    if (n > 0) {
      counts.categories.push({
        value: index.categoryIds[category],
        label: index.categoryLabels[category],
        count: n,
      });
    }
  });
  brandCounts.forEach((n, brand) => {
    if (n > 0) counts.brands.push({ value: index.brandNames[brand], count: n });
  });
  priceCounts.forEach((n, priceBucket) => {
    if (n > 0) counts.prices.set(priceBucket, n);
  });
  return { counts, passing };
}

interface Ranked {
  plans: WordPlan[];
  counted: Counted;
  /** With corrections: the documents matching the words as typed (they rank first). */
  exact: Bitset | null;
}

interface Scored {
  /** By document: its relevance (passing documents only). */
  score: Float64Array;
  /** The passing documents, ascending. */
  docs: Int32Array;
  /** The score every match with its words in its description only has. */
  plain: number;
  /** The matches not of that kind (every match scoring otherwise is one of them). */
  others: Int32Array;
}

/**
 * Relevance of each passing document: the matched words weighted by the best field they occur
 * in (name 1, brand 0.4, category 0.2, description 0.1), averaged, scaled into 0..0.8; plus
 * up to 0.2 for how much of the name the query covers; plus 2 when the name is exactly the
 * words typed; plus 4 for a match of the words as typed when corrections widened the query,
 * so corrected matches always come after uncorrected ones.
 *
 * A passing document matches every word, so a word it has only in its description weighs 0.1
 * and one it has elsewhere weighs what its best posting says. Most matches of a broad query
 * (a word in every description) have every word in the description only: they all score the
 * same, written in one pass. Only the others (a word in the name, brand or category; the
 * exact name; a match as typed under corrections) are scored one by one, from the postings
 * that are not description-only. Every score is the same float the full sum would give: the
 * same additions in the same order.
 */
function scores(index: SearchIndex, ranked: Ranked, phrase: string): Scored {
  // Typed arrays and indexed loops only: a broad query scores every one of up to all the
  // products, so a per-match object read or iterator was most of its time.
  const { score, nameHits, best, members, flags, ranked: scored } = index.scratch();
  const { passing } = ranked.counted;
  const docs = passing.members(ranked.counted.counts.total, members);
  const matches = docs.length;
  const words = ranked.plans.length;
  // tenths[w]: the sum of w description-only words, added as the full sum adds them.
  const tenths = new Float64Array(words + 1);
  for (let w = 1; w <= words; w += 1) tenths[w] = tenths[w - 1] + WEIGHTS[FIELD.description];
  // Every word in the description only: no name hits, not named exactly, not a match as typed.
  const plain = (0.8 * tenths[words]) / words;
  for (let i = 0; i < matches; i += 1) score[docs[i]] = plain;
  const passingWords = passing.words;
  // The others, in `scored[0..count)` and flagged in `flags` (1; 3 when named exactly). One
  // first seen at word `position` had 0.1 for every earlier word. (Inline, no closures: these
  // loops run over every posting of a broad query's words.)
  let count = 0;
  const plans = ranked.plans;
  for (let position = 0; position < words; position += 1) {
    for (const lexeme of plans[position].lexemes) {
      const posting = index.postings.get(lexeme);
      if (!posting) continue;
      const postingDocs = posting.docs;
      const fields = posting.fields;
      for (let i = 0; i < posting.size; i += 1) {
        const mask = fields[i];
        if (mask === FIELD.description) continue;
        const doc = postingDocs[i];
        if (flags[doc] === 0) {
          if ((passingWords[doc >>> 5] & (1 << (doc & 31))) === 0) continue;
          flags[doc] = 1;
          scored[count] = doc;
          count += 1;
          score[doc] = tenths[position];
          nameHits[doc] = 0;
          best[doc] = 0;
        }
        const weight = WEIGHTS[mask];
        if (weight > best[doc]) best[doc] = weight;
      }
    }
    for (let i = 0; i < count; i += 1) {
      const doc = scored[i];
      const weight = best[doc] > 0 ? best[doc] : WEIGHTS[FIELD.description];
      score[doc] += weight;
      if (weight === 1) nameHits[doc] += 1;
      best[doc] = 0;
    }
  }
  // Named exactly, or a match as typed under corrections, with every word in the description
  // only: listed now, their words all 0.1.
  const extra: number[] = [];
  for (const doc of index.namedExactly(phrase)) {
    if ((passingWords[doc >>> 5] & (1 << (doc & 31))) === 0) continue;
    if (flags[doc] === 0) extra.push(doc);
    flags[doc] = 3;
  }
  const exact = ranked.exact?.words ?? null;
  if (exact !== null) {
    const length = Math.min(exact.length, passingWords.length);
    for (let w = 0; w < length; w += 1) {
      let word = exact[w] & passingWords[w];
      while (word !== 0) {
        const low = word & -word;
        const doc = (w << 5) + 31 - Math.clz32(low);
        word ^= low;
        if (flags[doc] === 0) {
          flags[doc] = 1;
          extra.push(doc);
        }
      }
    }
  }
  for (const doc of extra) {
    scored[count] = doc;
    count += 1;
    score[doc] = tenths[words];
    nameHits[doc] = 0;
  }
  const nameWordCount = index.nameWordCount;
  for (let i = 0; i < count; i += 1) {
    const doc = scored[i];
    let value =
      (0.8 * score[doc]) / words + (0.2 * nameHits[doc]) / Math.max(nameWordCount[doc], words);
    if (flags[doc] === 3) value += 2;
    if (exact !== null && (exact[doc >>> 5] & (1 << (doc & 31))) !== 0) value += 4;
    score[doc] = value;
    flags[doc] = 0;
  }
  return { score, docs, plain, others: scored.subarray(0, count) };
}

interface OrderSpec {
  /** The sort key by document. */
  keys: Float64Array;
  descending: boolean;
  idDescending: boolean;
  parse: (printed: string) => number;
  print: (doc: number) => string;
}

function orderSpec(index: SearchIndex, order: PageOrder, score: Float64Array | null): OrderSpec {
  const id = (doc: number) => index.stored[doc]!.product;
  switch (order) {
    case 'relevance':
      return {
        keys: score!,
        descending: true,
        idDescending: false,
        parse: Number,
        print: (doc) => String(score![doc]),
      };
    case 'price_asc':
    case 'price_desc':
      return {
        keys: index.price,
        descending: order === 'price_desc',
        idDescending: order === 'price_desc',
        parse: Number,
        print: (doc) => String(index.price[doc]),
      };
    case 'newest':
      return {
        keys: index.created,
        descending: true,
        idDescending: true,
        parse: timeKey,
        print: (doc) => id(doc).createdAt,
      };
  }
}

/** One page to read: the passing documents, how many, in what order, after which row, how many. */
interface PageRequest {
  passing: Bitset;
  total: number;
  order: PageOrder;
  spec: OrderSpec;
  /** Start after this row: its printed sort key and id (a cursor's). */
  after: EngineQuery['after'];
  size: number;
  /** The passing documents ascending, when already listed (else the scan lists them). */
  members?: Int32Array;
  /** Relevance's scores, when the order is relevance. */
  scored?: Scored;
}

/**
 * The first `size` passing documents in the page order, after the cursor's row: by walking the
 * index's presorted order (price, creation time) when the matches are dense enough that the
 * page fills after a short walk, else by one pass over the matches keeping the best `size`.
 */
function page(index: SearchIndex, request: PageRequest): number[] {
  return walk(index, request) ?? walkPlain(index, request) ?? scan(index, request);
}

/**
 * A relevance page when most matches share the plain score (see {@link scores}): those tie,
 * so they come in id order, and only the first `size` of them after the cursor can be on the
 * page; they are read off the presorted id order (a short walk when they are dense). The
 * others' best `size` come from a scan of the whole set of scores; the page is the best `size`
 * of both. Null when the order is not relevance, the id order is stale, or the plain matches
 * are too sparse for a short walk.
 */
function walkPlain(index: SearchIndex, request: PageRequest): number[] | null {
  const { passing, total, spec, after, size, scored } = request;
  if (scored === undefined) return null;
  const plainCount = total - scored.others.length;
  if (plainCount * plainCount < size * index.size) return null;
  const byId = index.sortedById();
  const ranks = index.idRanks();
  if (byId === null || ranks === null) return null;
  const { score, plain } = scored;
  const stored = index.stored;
  // Where the plain matches after the cursor start in id order (relevance: ids ascending).
  let at = 0;
  if (after) {
    const afterKey = spec.parse(after.key);
    if (afterKey < plain) at = byId.length;
    else if (afterKey === plain) {
      let low = 0;
      let high = byId.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (stored[byId[middle]]!.product.id <= after.id) low = middle + 1;
        else high = middle;
      }
      at = low;
    }
  }
  const words = passing.words;
  const candidates: number[] = [];
  for (; at < byId.length && candidates.length < size; at += 1) {
    const doc = byId[at];
    if ((words[doc >>> 5] & (1 << (doc & 31))) !== 0 && score[doc] === plain) candidates.push(doc);
  }
  // Every match scoring otherwise is one of `others` (those of them scoring the plain score
  // too are among the candidates already when they can be on the page).
  for (const doc of scan(index, { ...request, members: scored.others }))
    if (score[doc] !== plain) candidates.push(doc);
  candidates.sort((a, b) => score[b] - score[a] || ranks[a] - ranks[b]);
  return candidates.slice(0, size);
}

/**
 * The page read off a presorted order, or null when there is none to walk (relevance; an order
 * not rebuilt since products changed) or the walk would be longer than a scan: it visits about
 * `size × live / total` documents, the scan `total`.
 */
function walk(
  index: SearchIndex,
  { passing, total, order, spec, after, size }: PageRequest,
): number[] | null {
  if (order === 'relevance' || total * total < size * index.size) return null;
  const sorted = index.sortedBy(order === 'newest' ? 'created' : 'price');
  if (sorted === null) return null;
  const keys = spec.keys;
  // The presorted order is ascending by (key, id); price_desc and newest read it backwards.
  const forward = order === 'price_asc';
  let at = forward ? 0 : sorted.length - 1;
  if (after) {
    const afterKey = spec.parse(after.key);
    const byRow = (doc: number): number => {
      if (keys[doc] !== afterKey) return keys[doc] < afterKey ? -1 : 1;
      const id = index.stored[doc]!.product.id;
      return id === after.id ? 0 : id < after.id ? -1 : 1;
    };
    // The first position past the cursor's row (forwards) or at or past it (backwards).
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const side = byRow(sorted[middle]);
      if (side < 0 || (forward && side === 0)) low = middle + 1;
      else high = middle;
    }
    at = forward ? low : low - 1;
  }
  const step = forward ? 1 : -1;
  const words = passing.words;
  const top: number[] = [];
  for (; at >= 0 && at < sorted.length && top.length < size; at += step) {
    const doc = sorted[at];
    if ((words[doc >>> 5] & (1 << (doc & 31))) !== 0) top.push(doc);
  }
  return top;
}

/**
 * The page by one pass over the matches, keeping the best `size` in order. Most matches of a
 * broad query lose to the page's last row on the key alone, or (all of a query's
 * description-only matches score the same) on the id: that test reads two typed arrays and
 * calls nothing.
 */
function scan(
  index: SearchIndex,
  { passing, total, spec, after, size, members }: PageRequest,
): number[] {
  // Ties compare ids: by their rank when the index has one, else as strings (ids are unique,
  // so two documents' ids never tie).
  const ranks = index.idRanks();
  const stored = index.stored;
  const idDirection = spec.idDescending ? -1 : 1;
  const idBefore = (a: number, b: number): boolean => {
    if (ranks !== null) return (ranks[a] - ranks[b]) * idDirection < 0;
    return (stored[a]!.product.id < stored[b]!.product.id ? -1 : 1) * idDirection < 0;
  };
  const keys = spec.keys;
  const direction = spec.descending ? -1 : 1;
  const afterKey = after ? spec.parse(after.key) : 0;
  const afterId = after?.id ?? '';
  const top: number[] = [];
  const topKeys: number[] = [];
  const docs = members ?? passing.members(total, index.scratch().members);
  for (let i = 0; i < docs.length; i += 1) {
    const doc = docs[i];
    const key = keys[doc];
    // Keys decide alone unless equal: ids are read only to break ties.
    if (after) {
      const byKey = (key - afterKey) * direction;
      if (byKey < 0) continue;
      if (byKey === 0) {
        const id = stored[doc]!.product.id;
        if (id === afterId || (id < afterId ? -1 : 1) * idDirection < 0) continue;
      }
    }
    if (top.length === size) {
      const worst = top[size - 1];
      const byKey = (key - topKeys[size - 1]) * direction;
      if (byKey > 0) continue;
      if (byKey === 0) {
        if (ranks !== null ? (ranks[doc] - ranks[worst]) * idDirection > 0 : !idBefore(doc, worst))
          continue;
      }
      top.pop();
      topKeys.pop();
    }
    let at = top.length;
    while (at > 0) {
      const byKey = (key - topKeys[at - 1]) * direction;
      if (byKey > 0 || (byKey === 0 && !idBefore(doc, top[at - 1]))) break;
      at -= 1;
    }
    top.splice(at, 0, doc);
    topKeys.splice(at, 0, key);
  }
  return top;
}

/** Corrections for each word worth correcting, by word position. */
function correctionsOf(index: SearchIndex, terms: SearchTerms): Map<number, string[]> {
  const corrections = new Map<number, string[]>();
  terms.words.forEach((typed, position) => {
    const word = folded(typed);
    if (word.length < 3) return;
    const near = index.dictionary.corrections(word, MAX_ALTERNATIVES);
    if (near.length > 0)
      corrections.set(
        position,
        near.map((c) => c.word),
      );
  });
  return corrections;
}

/**
 * Runs a search over the index: every word must match (the last as a prefix while typed),
 * widened by typo corrections when the words as typed find fewer than {@link FUZZY_MIN_HITS}
 * products (on a first page) or when the first page was widened; filters; total and facets
 * over all matches; one page in the requested order, highlighted.
 */
export function runQuery(index: SearchIndex, query: EngineQuery): EngineResult {
  const { terms, filters } = query;
  if (terms.words.length === 0) {
    const counted = count(index, new Bitset(index.capacity).copyFrom(index.live), filters);
    const order = query.order === 'relevance' ? 'newest' : query.order;
    const spec = orderSpec(index, order, null);
    const docs = page(index, {
      passing: counted.passing,
      total: counted.counts.total,
      order,
      spec,
      after: query.after,
      size: query.limit + 1,
    });
    return {
      mode: 'browse',
      counts: counted.counts,
      hits: docs.map((doc) => {
        const product = index.stored[doc]!.product;
        return {
          product,
          key: spec.print(doc),
          highlight: {
            name: highlightAll(product.name, () => false),
            description: leadingWords(product.description),
          },
        };
      }),
    };
  }
  const exactPlans = planOf(index, terms, new Map());
  const exactMatches = matching(index, exactPlans);
  let ranked: Ranked = {
    plans: exactPlans,
    counted: count(index, new Bitset(0).copyFrom(exactMatches), filters),
    exact: null,
  };
  let mode: MatchMode = 'exact';
  const widen =
    query.mode === 'fuzzy' || (query.mode === null && ranked.counted.counts.total < FUZZY_MIN_HITS);
  if (widen) {
    const corrections = correctionsOf(index, terms);
    if (corrections.size > 0) {
      const plans = planOf(index, terms, corrections);
      const counted = count(index, matching(index, plans), filters);
      if (query.mode === 'fuzzy' || counted.counts.total > ranked.counted.counts.total) {
        ranked = { plans, counted, exact: exactMatches };
        mode = 'fuzzy';
      }
    }
  }
  const phrase = terms.words.map(folded).join(' ');
  const scored = query.order === 'relevance' ? scores(index, ranked, phrase) : null;
  const spec = orderSpec(index, query.order, scored?.score ?? null);
  const { passing, counts } = ranked.counted;
  const docs = page(index, {
    passing,
    total: counts.total,
    order: query.order,
    spec,
    after: query.after,
    size: query.limit + 1,
    members: scored?.docs,
    scored: scored ?? undefined,
  });
  const matcher = matcherOf(new Set(ranked.plans.flatMap((plan) => plan.lexemes)));
  return {
    mode,
    counts: ranked.counted.counts,
    hits: docs.map((doc) => {
      const product = index.stored[doc]!.product;
      return {
        product,
        key: spec.print(doc),
        highlight: {
          name: highlightAll(product.name, matcher),
          description: snippet(product.description, matcher),
        },
      };
    }),
  };
}

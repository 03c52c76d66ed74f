import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { KeyKind, PageOrder } from '../domain/cursor.js';
import type { SearchFilters } from '../domain/search-request.js';
import type { Database } from './database.js';
import {
  allOf,
  baseConditions,
  brandCondition,
  priceCondition,
  type TextMatch,
} from './search-conditions.js';

export interface HitRow {
  id: string;
  sku: string;
  name: string;
  brand: string;
  category_id: string | null;
  price_amount: number;
  price_currency: string;
  stock_available: number;
  cursor_key: string;
  name_highlight: string;
  description_highlight: string;
}

export interface HitsQuery {
  match: TextMatch | null;
  filters: SearchFilters;
  order: PageOrder;
  /** Start after this row (keyset): its sort key and id. */
  after: { key: string; id: string } | null;
  limit: number;
}

/** Rank weights for D, C, B, A: name counts ten times a description, brand four, category two. */
const WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';

/**
 * Relevance: cover density of the matched words, weighted by where they occur and scaled into
 * 0..1 (normalization 32), plus 2 when the name is exactly the words typed, plus 4 for a match
 * of the words as typed when typo corrections widened the query — so corrected matches always
 * come after uncorrected ones.
 */
function scoreOf(match: TextMatch): RawBuilder<number> {
  const exact = match.exactQuery
    ? sql`case when d.search_vector @@ ${match.exactQuery} then 4 else 0 end`
    : sql`0`;
  return sql<number>`(
    ts_rank_cd(${WEIGHTS}, d.search_vector, ${match.query}, 32)
    + case when d.name_vector = to_tsvector('search_simple', ${match.phrase}::text) then 2 else 0 end
    + ${exact})::float8`;
}

interface OrderSpec {
  key: RawBuilder<unknown>;
  descending: boolean;
  /** Ties broken by id, in this direction (stable, unique). */
  idDescending: boolean;
  kind: KeyKind;
}

function orderSpec(order: PageOrder, match: TextMatch | null): OrderSpec {
  switch (order) {
    case 'relevance':
      if (!match) throw new Error('relevance needs a text match');
      return { key: scoreOf(match), descending: true, idDescending: false, kind: 'score' };
    case 'price_asc':
      return { key: sql`d.price_amount`, descending: false, idDescending: false, kind: 'amount' };
    case 'price_desc':
      return { key: sql`d.price_amount`, descending: true, idDescending: true, kind: 'amount' };
    case 'newest':
      return { key: sql`d.created_at`, descending: true, idDescending: true, kind: 'time' };
  }
}

const CASTS: Record<KeyKind, RawBuilder<unknown>> = {
  score: sql`float8`,
  amount: sql`bigint`,
  time: sql`timestamptz`,
};

/** `(key, id)` strictly after the cursor in the page order. */
function keyset(spec: OrderSpec, after: { key: string; id: string }): RawBuilder<unknown> {
  const key = sql`${after.key}::${CASTS[spec.kind]}`;
  const id = sql`${after.id}::uuid`;
  if (spec.descending === spec.idDescending) {
    return spec.descending
      ? sql`(m.sort_key, m.id) < (${key}, ${id})`
      : sql`(m.sort_key, m.id) > (${key}, ${id})`;
  }
  // Only relevance mixes directions: score descending, id ascending.
  return sql`(m.sort_key < ${key} or (m.sort_key = ${key} and m.id > ${id}))`;
}

/** The sort key printed so that it reads back exactly. */
function printedKey(kind: KeyKind): RawBuilder<string> {
  if (kind === 'time') {
    return sql<string>`to_char(p.sort_key at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  }
  return sql<string>`p.sort_key::text`;
}

/** HTML-escaped, so a highlight is safe to show as HTML: only our `<mark>` tags are markup. */
function escaped(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`replace(replace(replace(replace(${column}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')`;
}

const NAME_OPTIONS = 'HighlightAll=true, StartSel=<mark>, StopSel=</mark>';
const SNIPPET_OPTIONS =
  'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "';

/**
 * Marks matched words: a lateral subquery over one hit `d` giving `name_highlight` and
 * `description_highlight`. The text is parsed both stemmed and as typed (a prefix such as
 * "runn" only matches the as-typed "running", a plural only the stem); the version with more
 * marks wins. Each headline is computed once, behind a fence (`offset 0`): inlined, the choice
 * would compute the winner again (ts_headline of a description costs ~30 µs). Without a text
 * match: the name, and the description's first words.
 */
function highlights(match: TextMatch | null): RawBuilder<unknown> {
  if (!match) {
    return sql`select ${escaped(sql`d.name`)} as name_highlight,
      ${escaped(sql`substring(d.description from '^\\s*((\\S+\\s+){0,29}\\S*)')`)} as description_highlight`;
  }
  const query = match.query;
  const headline = (config: string, column: string, options: string) =>
    sql`ts_headline(${config}::regconfig, ${escaped(sql.ref(column))}, ${query}, ${options})`;
  const best = (english: string, simple: string) => {
    const [e, s] = [sql.ref(`h.${english}`), sql.ref(`h.${simple}`)];
    return sql`case when ${marks(s)} > ${marks(e)} then ${s} else ${e} end`;
  };
  return sql`
    select ${best('name_english', 'name_simple')} as name_highlight,
      ${best('description_english', 'description_simple')} as description_highlight
    from (
      select ${headline('search_english', 'd.name', NAME_OPTIONS)} as name_english,
        ${headline('search_simple', 'd.name', NAME_OPTIONS)} as name_simple,
        ${headline('search_english', 'd.description', SNIPPET_OPTIONS)} as description_english,
        ${headline('search_simple', 'd.description', SNIPPET_OPTIONS)} as description_simple
      offset 0
    ) h`;
}

function marks(text: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(length(${text}) - length(replace(${text}, '<mark>', '')))`;
}

/** One page of hits (plus one row, to tell whether another page follows), highlighted. */
export async function findHits(db: Kysely<Database>, query: HitsQuery): Promise<HitRow[]> {
  const spec = orderSpec(query.order, query.match);
  const direction = sql.raw(spec.descending ? 'desc' : 'asc');
  const idDirection = sql.raw(spec.idDescending ? 'desc' : 'asc');
  const where = allOf([
    ...baseConditions(query.match, query.filters),
    brandCondition(query.filters),
    priceCondition(query.filters),
  ]);
  // Behind a fence (`offset 0`) the matches are found first and then sorted: a computed score
  // is evaluated once per row (unfenced, the keyset filter would compute it again), and a text
  // match reads the GIN index. Unfenced, a price sort with text walked the price index and
  // tested every product's vector until 21 matched (a rare word: most of the 100,000, ~190 ms
  // instead of ~5). Without text the column-keyed sorts stay unfenced, so the keyset and the
  // order reach their indexes (deep pages of "newest" or a price sort stay cheap).
  const fence = spec.kind === 'score' || query.match ? sql`offset 0` : sql``;
  // Only the id and the sort key travel through the sort: every matching row is read to rank
  // it, but the page's 21 rows alone are then read again (by primary key) for what is shown.
  const { rows } = await sql<HitRow>`
    select d.id, d.sku, d.name, d.brand, d.category_id, d.price_amount, d.price_currency,
      d.stock_available, ${printedKey(spec.kind)} as cursor_key, h.name_highlight,
      h.description_highlight
    from (
      select m.id, m.sort_key
      from (
        select d.id, ${spec.key} as sort_key
        from search_documents d
        where ${where}
        ${fence}
      ) m
      where ${query.after ? keyset(spec, query.after) : sql`true`}
      order by m.sort_key ${direction}, m.id ${idDirection}
      limit ${query.limit + 1}
    ) p
    join search_documents d on d.id = p.id
    cross join lateral (${highlights(query.match)}) h
    order by p.sort_key ${direction}, p.id ${idDirection}`.execute(db);
  return rows;
}

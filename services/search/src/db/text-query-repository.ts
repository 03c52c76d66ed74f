import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SearchTerms } from '../domain/search-terms.js';
import type { Database } from './database.js';

/*
 * Every word reaches Postgres as a bound parameter and becomes a tsquery through
 * `plainto_tsquery` or `to_tsquery(quote_literal(word) || ':*')`, the safe way to build a
 * prefix query: no text a shopper typed is ever spliced into tsquery syntax.
 */

/**
 * `a | b`, or just `a` when both are the same query: the stem of most words is the word itself,
 * and a duplicated alternative doubles the planner's row estimate, enough to tip it from the
 * GIN index to a sequential scan.
 */
function either(a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(case when ${a} = ${b} then ${a} else ${a} || ${b} end)`;
}

/** A whole word: its stem (search_english) or the word as typed (search_simple). */
function wholeWord(word: string): RawBuilder<unknown> {
  return either(
    sql`plainto_tsquery('search_english', ${word})`,
    sql`plainto_tsquery('search_simple', ${word})`,
  );
}

/** A word being typed: any word starting with it, as typed or stemmed. */
function prefixWord(word: string): RawBuilder<unknown> {
  return either(
    sql`to_tsquery('search_simple', quote_literal(${word}) || ':*')`,
    sql`to_tsquery('search_english', quote_literal(${word}) || ':*')`,
  );
}

/**
 * One query word with its alternatives (typo corrections). A whole word that is an English
 * stop word ("for", "the") is dropped rather than required, as a shopper would expect.
 */
function termQuery(word: string, prefix: boolean, alternatives: string[]): RawBuilder<unknown> {
  const options = [prefix ? prefixWord(word) : wholeWord(word), ...alternatives.map(wholeWord)];
  const any = sql.join(options, sql` || `);
  if (prefix) return sql`(${any})`;
  return sql`(case when numnode(plainto_tsquery('search_english', ${word})) = 0 then ''::tsquery else ${any} end)`;
}

/** The same words with no stemming and no stop words, for a query made only of stop words. */
function simpleQuery(terms: SearchTerms): RawBuilder<unknown> {
  const parts = terms.words.map((word, index) =>
    terms.lastIsPrefix && index === terms.words.length - 1
      ? sql`to_tsquery('search_simple', quote_literal(${word}) || ':*')`
      : sql`plainto_tsquery('search_simple', ${word})`,
  );
  return sql.join(parts, sql` && `);
}

/**
 * The tsquery for a shopper's words (all of them must match, the last as a prefix while it is
 * being typed), each word widened by its alternatives when given: an SQL expression for the
 * statements that search with it. Built only of immutable functions over bound parameters, so
 * Postgres folds it into one constant when it plans the statement (each run is planned for its
 * own values: see the planner settings migration) — no round trip of its own, where every
 * statement sent costs a socket write on both sides.
 */
export function textQuery(
  terms: SearchTerms,
  alternatives: ReadonlyMap<number, string[]> = new Map(),
): RawBuilder<unknown> {
  const last = terms.words.length - 1;
  const parts = terms.words.map((word, index) =>
    termQuery(word, terms.lastIsPrefix && index === last, alternatives.get(index) ?? []),
  );
  const query = sql.join(parts, sql` && `);
  return sql`coalesce(nullif(${query}, ''::tsquery), ${simpleQuery(terms)})`;
}

/** At most this many dictionary words stand in for one misspelt word. */
const MAX_ALTERNATIVES = 3;
/** Nearest dictionary words (by trigram distance) checked with Levenshtein per query word. */
const CANDIDATES = 12;

/**
 * Dictionary words within one edit of a query word (two from eight letters on), closest
 * first, by word position. Candidates come from the trigram GiST index (k-nearest-neighbour,
 * so no similarity threshold setting is needed); Levenshtein then keeps the real near-misses.
 */
export async function findCorrections(
  db: Kysely<Database>,
  words: { index: number; word: string }[],
): Promise<Map<number, string[]>> {
  const corrections = new Map<number, string[]>();
  if (words.length === 0) return corrections;
  const { rows } = await sql<{ position: number; word: string }>`
    select t.position::int as position, c.word
    from unnest(${words.map((w) => w.index)}::int[], ${words.map((w) => w.word)}::text[])
      as q(position, term)
    cross join lateral (select unaccent(q.term) as term, q.position) t
    cross join lateral (
      select s.word, levenshtein(s.word, t.term) as distance
      from search_words s
      order by s.word <-> t.term
      limit ${CANDIDATES}
    ) c
    where c.word <> t.term
      and c.distance <= case when char_length(t.term) >= 8 then 2 else 1 end
    order by t.position, c.distance, c.word`.execute(db);
  for (const row of rows) {
    const list = corrections.get(row.position) ?? [];
    if (list.length < MAX_ALTERNATIVES) list.push(row.word);
    corrections.set(row.position, list);
  }
  return corrections;
}

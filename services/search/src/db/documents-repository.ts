import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ProductDocument } from '../domain/product-document.js';
import { nextChangeSeq } from './changes-repository.js';
import type { Database, NewSearchDocumentRow } from './database.js';

/** The row a product document becomes. */
export function toDocumentRow(product: ProductDocument): NewSearchDocumentRow {
  return {
    id: product.id,
    version: product.version,
    deleted: false,
    sku: product.sku,
    name: product.name,
    description: product.description,
    brand: product.brand,
    category_id: product.category?.id ?? null,
    category_name: product.category?.name ?? null,
    category_path: product.category ? [...product.category.ancestorIds, product.category.id] : [],
    price_amount: product.price.amount,
    price_currency: product.price.currency,
    stock_available: product.stock.available,
    attributes: JSON.stringify(product.attributes),
    created_at: product.createdAt,
    updated_at: product.updatedAt,
  };
}

/** What a product document sets, besides its id: a newer version replaces all of it. */
const DOCUMENT_COLUMNS = [
  'version',
  'sku',
  'name',
  'description',
  'brand',
  'category_id',
  'category_name',
  'category_path',
  'price_amount',
  'price_currency',
  'stock_available',
  'attributes',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof NewSearchDocumentRow>;

/**
 * `column = excluded.column` for each of a document's columns, for an upsert's update (of the
 * live table or the reindex's shadow copy). Typed `never`: each value is its own column's.
 */
export function fromExcluded(): Record<(typeof DOCUMENT_COLUMNS)[number], RawBuilder<never>> {
  return Object.fromEntries(
    DOCUMENT_COLUMNS.map((column) => [column, sql.ref<never>(`excluded.${column}`)]),
  ) as Record<(typeof DOCUMENT_COLUMNS)[number], RawBuilder<never>>;
}

/**
 * Writes a product's document unless the index already holds this version or a newer one (a
 * newer document or a tombstone). Returns whether it was written.
 */
export async function upsertDocument(
  trx: Kysely<Database>,
  row: NewSearchDocumentRow,
): Promise<boolean> {
  const written = await trx
    .insertInto('search_documents')
    .values(row)
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet({
          ...fromExcluded(),
          deleted: false,
          indexed_at: sql<Date>`clock_timestamp()`,
          change_seq: nextChangeSeq(),
        })
        .where('search_documents.version', '<', (eb) => eb.ref('excluded.version')),
    )
    .returning('id')
    .executeTakeFirst();
  return written !== undefined;
}

/**
 * Marks a product deleted as of `version`, keeping the row as a tombstone (inserting one when
 * the product was never indexed). A deletion wins over a document of the same version: the
 * deletion of version n ends the life of the product as version n described it. Returns
 * whether anything changed.
 */
export async function tombstoneDocument(
  trx: Kysely<Database>,
  id: string,
  version: number,
): Promise<boolean> {
  const written = await trx
    .insertInto('search_documents')
    .values({ id, version, deleted: true, attributes: '{}', created_at: null, updated_at: null })
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          deleted: true,
          indexed_at: sql<Date>`clock_timestamp()`,
          change_seq: nextChangeSeq(),
        }))
        .where((eb) =>
          eb.or([
            eb('search_documents.version', '<', eb.ref('excluded.version')),
            eb.and([
              eb('search_documents.version', '=', eb.ref('excluded.version')),
              eb('search_documents.deleted', '=', false),
            ]),
          ]),
        ),
    )
    .returning('id')
    .executeTakeFirst();
  return written !== undefined;
}

/**
 * The words of a text that go into the typo dictionary, as `search_simple` normalizes them.
 * Words with digits (model codes, sizes) are left out: "correcting" them would only add noise.
 */
export function dictionaryWords(text: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`select lexeme
    from unnest(tsvector_to_array(to_tsvector('search_simple', ${text}))) as lexeme
    where char_length(lexeme) between 3 and 40 and lexeme !~ '[0-9]'`;
}

/**
 * Adds the words of a document's name, brand and category to the typo dictionary. Sorted, so
 * concurrent writers take the rows' locks in one order.
 */
export async function addDictionaryWords(trx: Kysely<Database>, text: string): Promise<void> {
  await sql`
    insert into search_words (word)
    select distinct w.lexeme from (${dictionaryWords(sql`${text}::text`)}) w
    order by w.lexeme
    on conflict do nothing`.execute(trx);
}

/** The text whose words feed the typo dictionary. */
export function dictionaryText(product: ProductDocument): string {
  return [product.name, product.brand, product.category?.name ?? ''].join(' ');
}

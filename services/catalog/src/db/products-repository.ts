import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { ProductFields, ProductRecord } from '../domain/product.js';
import type { Database } from './database.js';

type Db = Kysely<Database>;

export interface ProductFilters {
  /** The id of a category: products in it or in any category under it. */
  categoryId?: string;
  brand?: string;
  minPrice?: number;
  maxPrice?: number;
  /** Only ids strictly greater than this one (keyset pagination). */
  afterId?: string;
  limit: number;
}

/** A product's own columns and its stock: everything a product page shows. */
function selectProductFields(db: Db) {
  return db
    .selectFrom('products as p')
    .leftJoin('stock as s', 's.product_id', 'p.id')
    .select([
      'p.id',
      'p.sku',
      'p.name',
      'p.description',
      'p.brand',
      'p.category_id',
      'p.price_amount',
      'p.price_currency',
      'p.attributes',
      'p.created_at',
      'p.updated_at',
      'p.version',
      's.available',
    ]);
}

/** A product with its stock and its category's name and ancestors (what events carry). */
function selectProducts(db: Db) {
  return selectProductFields(db)
    .leftJoin('categories as c', 'c.id', 'p.category_id')
    .select(['c.name as category_name', 'c.ancestor_ids as category_ancestor_ids']);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectProducts>['executeTakeFirstOrThrow']>>;
type FieldsRow = Awaited<
  ReturnType<ReturnType<typeof selectProductFields>['executeTakeFirstOrThrow']>
>;

function toFields(row: FieldsRow): ProductFields {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    brand: row.brand,
    categoryId: row.category_id,
    price: { amount: Number(row.price_amount), currency: row.price_currency },
    available: row.available ?? 0,
    attributes: row.attributes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function toRecord(row: Row): ProductRecord {
  const { categoryId, ...fields } = toFields(row);
  return {
    ...fields,
    category: categoryId
      ? {
          id: categoryId,
          name: row.category_name ?? '',
          ancestorIds: row.category_ancestor_ids ?? [],
        }
      : null,
  };
}

export async function findProductById(db: Db, id: string): Promise<ProductRecord | undefined> {
  const { rows } = await db.executeQuery<Row>(CompiledQuery.raw(byIdText(db), [id]));
  return rows[0] && toRecord(rows[0]);
}

/**
 * One product's fields and stock, without its category's name and ancestors: the product page's
 * read ({@link ProductFields} is all its view shows), the hottest query there is. Two tables,
 * not the three of {@link findProductById}: Postgres scans one index less and the service parses
 * two columns less (one of them an array) at every uncached product read.
 */
export async function findProductFieldsById(
  db: Db,
  id: string,
): Promise<ProductFields | undefined> {
  const { rows } = await db.executeQuery<FieldsRow>(CompiledQuery.raw(fieldsByIdText(db), [id]));
  return rows[0] && toFields(rows[0]);
}

/**
 * One product as the storefront publishes it (`PublicProduct`: {@link ProductFields} as the
 * product view shows them, without `version`), as JSON text made by Postgres: the uncached
 * product page's read, which catalog and the storefront then relay as it is — no row of thirteen
 * columns to parse, no dates to convert, no view to build and serialize. Timestamps as
 * `Date.toISOString` writes them (UTC, milliseconds).
 */
export async function findPublicProductJsonById(db: Db, id: string): Promise<string | undefined> {
  const { rows } = await db.executeQuery<{ product: string }>(
    CompiledQuery.raw(PUBLIC_PRODUCT_BY_ID, [id]),
  );
  return rows[0]?.product;
}

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const PUBLIC_PRODUCT_BY_ID = `select json_build_object(
    'id', p.id,
    'sku', p.sku,
    'name', p.name,
    'description', p.description,
    'categoryId', p.category_id,
    'brand', p.brand,
    'price', json_build_object('amount', p.price_amount, 'currency', p.price_currency),
    'stock', json_build_object('available', coalesce(s.available, 0)),
    'attributes', p.attributes,
    'createdAt', to_char(p.created_at at time zone 'UTC', ${ISO_UTC}),
    'updatedAt', to_char(p.updated_at at time zone 'UTC', ${ISO_UTC})
  )::text as product
  from products as p left join stock as s on s.product_id = p.id
  where p.id = $1`;

/**
 * The SQL of these reads by id, built by kysely once: building and compiling the product page's
 * read at every read was a tenth of catalog's CPU per uncached read. The text is the same for
 * every id (the id is its one parameter).
 */
let byId: string | undefined;
const byIdText = (db: Db) =>
  (byId ??= selectProducts(db)
    .where('p.id', '=', '00000000-0000-0000-0000-000000000000')
    .compile().sql);
let fieldsById: string | undefined;
const fieldsByIdText = (db: Db) =>
  (fieldsById ??= selectProductFields(db)
    .where('p.id', '=', '00000000-0000-0000-0000-000000000000')
    .compile().sql);

/** Products by id, in id order; ids that match nothing are simply absent. */
export async function findProductsByIds(db: Db, ids: readonly string[]): Promise<ProductRecord[]> {
  if (ids.length === 0) return [];
  const rows = await selectProducts(db)
    .where('p.id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .orderBy('p.id')
    .execute();
  return rows.map(toRecord);
}

/** One page of products matching the filters, in id order (one row more than `limit` when there is a next page). */
export async function listProducts(db: Db, filters: ProductFilters): Promise<ProductRecord[]> {
  let query = selectProducts(db);
  if (filters.categoryId !== undefined) {
    const categoryId = filters.categoryId;
    query = query.where('p.category_id', 'in', (eb) =>
      eb
        .selectFrom('categories')
        .select('id')
        .where((w) =>
          w.or([
            w('id', '=', categoryId),
            w('ancestor_ids', '@>', sql<string[]>`array[${categoryId}]::uuid[]`),
          ]),
        ),
    );
  }
  if (filters.brand !== undefined) query = query.where('p.brand', '=', filters.brand);
  if (filters.minPrice !== undefined) query = query.where('p.price_amount', '>=', filters.minPrice);
  if (filters.maxPrice !== undefined) query = query.where('p.price_amount', '<=', filters.maxPrice);
  if (filters.afterId !== undefined) query = query.where('p.id', '>', filters.afterId);
  const rows = await query
    .orderBy('p.id')
    .limit(filters.limit + 1)
    .execute();
  return rows.map(toRecord);
}

export async function countProducts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('products')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export interface NewProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string;
  categoryId: string | null;
  price: { amount: number; currency: string };
  attributes: Record<string, string>;
  available: number;
}

/** Inserts a product and its stock row; a duplicate SKU raises the unique violation. */
export async function insertProduct(db: Db, product: NewProduct): Promise<void> {
  await db
    .insertInto('products')
    .values({
      id: product.id,
      sku: product.sku,
      name: product.name,
      description: product.description,
      brand: product.brand,
      category_id: product.categoryId,
      price_amount: product.price.amount,
      price_currency: product.price.currency,
      attributes: JSON.stringify(product.attributes),
    })
    .execute();
  await db
    .insertInto('stock')
    .values({ product_id: product.id, available: product.available })
    .execute();
}

export interface ProductChanges {
  sku?: string;
  name?: string;
  description?: string;
  brand?: string;
  categoryId?: string | null;
  price?: { amount: number; currency: string };
  attributes?: Record<string, string>;
}

/** Applies changes and bumps the version; false when the product does not exist. */
export async function updateProduct(db: Db, id: string, changes: ProductChanges): Promise<boolean> {
  const result = await db
    .updateTable('products')
    .set((eb) => ({
      ...(changes.sku !== undefined && { sku: changes.sku }),
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.description !== undefined && { description: changes.description }),
      ...(changes.brand !== undefined && { brand: changes.brand }),
      ...(changes.categoryId !== undefined && { category_id: changes.categoryId }),
      ...(changes.price !== undefined && {
        price_amount: changes.price.amount,
        price_currency: changes.price.currency,
      }),
      ...(changes.attributes !== undefined && { attributes: JSON.stringify(changes.attributes) }),
      version: eb('version', '+', 1),
      updated_at: sql`now()`,
    }))
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Bumps the version (and `updated_at`) of products whose document changed by other means
 * (stock). One row at a time in id order, so concurrent callers lock rows in the same order.
 */
export async function touchProducts(db: Db, ids: readonly string[]): Promise<void> {
  for (const id of [...ids].sort()) {
    await db
      .updateTable('products')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql`now()` }))
      .where('id', '=', id)
      .execute();
  }
}

/**
 * Deletes a product and its stock; the version it had, or undefined when unknown. The stock row
 * goes first, explicitly: stock before product is the lock order of reservations and stock
 * changes, which a cascade from the product row would reverse (and could deadlock with).
 */
export async function deleteProduct(db: Db, id: string): Promise<number | undefined> {
  await db.deleteFrom('stock').where('product_id', '=', id).execute();
  const row = await db
    .deleteFrom('products')
    .where('id', '=', id)
    .returning('version')
    .executeTakeFirst();
  return row?.version;
}

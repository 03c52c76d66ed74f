import { writeEvents } from '@bazaar/messaging';
import { sql, type Kysely } from 'kysely';
import { upsertCategory } from '../db/categories-repository.js';
import type { Database } from '../db/database.js';
import { countProducts, type NewProduct } from '../db/products-repository.js';
import { toProductDocument, type ProductRecord } from '../domain/product.js';
import { generateProducts, seedCategories, type SeedLeaf } from './generate.js';

export interface SeedOptions {
  seed: number;
  products: number;
  /** Rows per insert statement and transaction. */
  chunkSize?: number;
  /** Chunks written at once, each in its own transaction and connection (default 2). */
  concurrency?: number;
  /** Write `product.created` to the outbox for every product added (default true). */
  events?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  categories: number;
  inserted: number;
  /** Products of this seed that were already there (same SKU). */
  skipped: number;
}

/**
 * Fills the catalog with a deterministic demo catalog: the category tree, then products in
 * chunks, each chunk one transaction of two bulk inserts (`unnest` of column arrays: one
 * statement, one plan, whatever the chunk size) plus its `product.created` events. Running it
 * again with the same seed adds nothing (SKUs and slugs already exist).
 */
export async function seedCatalog(db: Kysely<Database>, options: SeedOptions): Promise<SeedResult> {
  const { categories, leaves } = seedCategories();
  const stored = new Map<string, { id: string; name: string; ancestorIds: string[] }>();
  const idBySeededId = new Map<string, string>();
  for (const category of categories) {
    const parentId = category.parentId ? idBySeededId.get(category.parentId)! : null;
    const row = await upsertCategory(db, { ...category, parentId });
    idBySeededId.set(category.id, row.id);
    stored.set(row.id, { id: row.id, name: row.name, ancestorIds: row.ancestor_ids });
  }
  const storedLeaves: SeedLeaf[] = leaves.map((l) => ({
    ...l,
    categoryId: idBySeededId.get(l.categoryId)!,
  }));

  const chunkSize = options.chunkSize ?? 2000;
  const concurrency = options.concurrency ?? 2;
  const result: SeedResult = { categories: categories.length, inserted: 0, skipped: 0 };
  const events = options.events ?? true;
  let done = 0;
  const inFlight = new Set<Promise<void>>();
  const flush = (chunk: NewProduct[]) => {
    const write = insertChunk(db, chunk, stored, events).then((inserted) => {
      result.inserted += inserted;
      result.skipped += chunk.length - inserted;
      done += chunk.length;
      options.onProgress?.(done, options.products);
      inFlight.delete(write);
    });
    inFlight.add(write);
    // A failure surfaces through the race or the final wait; this keeps it from also being unhandled.
    write.catch(() => undefined);
    return write;
  };
  let chunk: NewProduct[] = [];
  for (const product of generateProducts(options.seed, options.products, storedLeaves)) {
    chunk.push(product);
    if (chunk.length < chunkSize) continue;
    void flush(chunk);
    chunk = [];
    // While Postgres writes one chunk, the next one is generated and sent.
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  if (chunk.length > 0) void flush(chunk);
  await Promise.all(inFlight);
  return result;
}

async function insertChunk(
  db: Kysely<Database>,
  products: readonly NewProduct[],
  categories: Map<string, { id: string; name: string; ancestorIds: string[] }>,
  events: boolean,
): Promise<number> {
  const now = new Date();
  return db.transaction().execute(async (trx) => {
    const column = <T>(pick: (p: NewProduct) => T) => products.map(pick);
    const inserted = await sql<{ id: string }>`
      insert into products (id, sku, name, description, brand, category_id, price_amount,
                            price_currency, attributes, created_at, updated_at)
      select *, ${now}::timestamptz, ${now}::timestamptz from unnest(
        ${column((p) => p.id)}::uuid[], ${column((p) => p.sku)}::text[],
        ${column((p) => p.name)}::text[], ${column((p) => p.description)}::text[],
        ${column((p) => p.brand)}::text[], ${column((p) => p.categoryId)}::uuid[],
        ${column((p) => p.price.amount)}::bigint[], ${column((p) => p.price.currency)}::text[],
        ${column((p) => JSON.stringify(p.attributes))}::jsonb[])
      on conflict do nothing
      returning id`.execute(trx);
    const ids = new Set(inserted.rows.map((r) => r.id));
    const added = products.filter((p) => ids.has(p.id));
    if (added.length === 0) return 0;
    await sql`
      insert into stock (product_id, available)
      select * from unnest(${added.map((p) => p.id)}::uuid[], ${added.map((p) => p.available)}::int[])`.execute(
      trx,
    );
    if (events) {
      const records: ProductRecord[] = added.map((p) => ({
        ...p,
        category: p.categoryId ? (categories.get(p.categoryId) ?? null) : null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      }));
      await writeEvents(
        trx,
        records.map((record) => ({
          type: 'product.created' as const,
          data: { product: toProductDocument(record) },
        })),
      );
    }
    return added.length;
  });
}

/**
 * What `pnpm start` runs: seeds only a catalog with no products at all, so a restart never adds
 * to (or fights with) a catalog someone has been using. Resolves to what was done.
 */
export async function seedCatalogIfEmpty(
  db: Kysely<Database>,
  options: SeedOptions,
): Promise<SeedResult | { existing: number }> {
  const existing = await countProducts(db);
  if (existing > 0) return { existing };
  return seedCatalog(db, options);
}

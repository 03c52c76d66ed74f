import type { Kysely } from 'kysely';
import { UUID_PATTERN } from '@bazaar/service-kit';
import type { CategoryRow, Database } from './database.js';

type Db = Kysely<Database>;

/** Every category, parents before children at each level by position then name. */
export async function findAllCategories(db: Db): Promise<CategoryRow[]> {
  return db
    .selectFrom('categories')
    .selectAll()
    .orderBy('position')
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** A category by id or by slug. */
export async function findCategory(db: Db, idOrSlug: string): Promise<CategoryRow | undefined> {
  return db
    .selectFrom('categories')
    .selectAll()
    .where(UUID_PATTERN.test(idOrSlug) ? 'id' : 'slug', '=', idOrSlug)
    .executeTakeFirst();
}

export interface NewCategory {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  position: number;
}

/**
 * Adds a category under its parent (its ancestor path is the parent's plus the parent), or
 * leaves an existing one with the same slug as it is. Resolves to the stored row.
 */
export async function upsertCategory(db: Db, category: NewCategory): Promise<CategoryRow> {
  const parent = category.parentId
    ? await db
        .selectFrom('categories')
        .select(['id', 'ancestor_ids'])
        .where('id', '=', category.parentId)
        .executeTakeFirstOrThrow()
    : undefined;
  await db
    .insertInto('categories')
    .values({
      id: category.id,
      slug: category.slug,
      name: category.name,
      parent_id: parent?.id ?? null,
      ancestor_ids: parent ? [...parent.ancestor_ids, parent.id] : [],
      position: category.position,
    })
    .onConflict((oc) => oc.column('slug').doNothing())
    .execute();
  return db
    .selectFrom('categories')
    .selectAll()
    .where('slug', '=', category.slug)
    .executeTakeFirstOrThrow();
}

import type { Kysely } from 'kysely';
import { findAllCategories } from '../db/categories-repository.js';
import type { Database } from '../db/database.js';

export interface CategoryNode {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  children: CategoryNode[];
}

/** The whole category tree: roots, each with its children, by position then name. */
export async function getCategoryTree(db: Kysely<Database>): Promise<CategoryNode[]> {
  const rows = await findAllCategories(db);
  const nodes = new Map<string, CategoryNode>();
  for (const row of rows) {
    nodes.set(row.id, {
      id: row.id,
      slug: row.slug,
      name: row.name,
      parentId: row.parent_id,
      children: [],
    });
  }
  const roots: CategoryNode[] = [];
  for (const row of rows) {
    const node = nodes.get(row.id)!;
    const parent = row.parent_id ? nodes.get(row.parent_id) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

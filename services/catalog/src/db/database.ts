import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Table types of the catalog database (kysely: `Generated<>` for defaults, `T | null`, never optional). */
export interface Database {
  categories: CategoriesTable;
  products: ProductsTable;
  stock: StockTable;
  reservations: ReservationsTable;
  reservation_lines: ReservationLinesTable;
}

/** A timestamptz with a default: read as a Date, optional on insert. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CategoriesTable {
  id: string;
  parent_id: string | null;
  slug: string;
  name: string;
  /** Ids of the ancestors, root first. */
  ancestor_ids: Generated<string[]>;
  position: Generated<number>;
  created_at: Timestamp;
}

export interface ProductsTable {
  id: string;
  sku: string;
  name: string;
  description: Generated<string>;
  brand: string;
  category_id: string | null;
  price_amount: number;
  price_currency: string;
  attributes: ColumnType<Record<string, string>, string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface StockTable {
  product_id: string;
  available: number;
  updated_at: Timestamp;
}

export type ReservationStatus = 'reserved' | 'rejected' | 'released' | 'cancelled';

export interface ReservationsTable {
  order_id: string;
  user_id: string;
  status: ReservationStatus;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ReservationLinesTable {
  order_id: string;
  product_id: string;
  quantity: number;
}

export type CategoryRow = Selectable<CategoriesTable>;
export type NewCategoryRow = Insertable<CategoriesTable>;
export type ProductRow = Selectable<ProductsTable>;
export type NewProductRow = Insertable<ProductsTable>;

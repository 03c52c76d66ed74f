import type { EventData, Money } from '@bazaar/contracts';

/** Money as Bazaar writes it everywhere (`@bazaar/contracts`), re-exported for the domain. */
export type { Money };

/** The category a product belongs to, with its ancestors' ids (root first). */
export interface ProductCategory {
  id: string;
  name: string;
  ancestorIds: string[];
}

/** A product as the catalog holds it: its row, its stock and its category. */
export interface ProductRecord {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string;
  category: ProductCategory | null;
  price: Money;
  available: number;
  attributes: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** A product's own fields and stock, its category by id only: all a {@link ProductView} shows. */
export type ProductFields = Omit<ProductRecord, 'category'> & { categoryId: string | null };

/** A product as the HTTP API reads it back. */
export interface ProductView {
  id: string;
  sku: string;
  name: string;
  description: string;
  categoryId: string | null;
  brand: string;
  price: Money;
  stock: { available: number };
  attributes: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The full document carried by `product.created|updated` (search indexes it as is). */
export type ProductDocument = EventData<'product.created'>['product'];

export function toProductView(record: ProductRecord | ProductFields): ProductView {
  return {
    id: record.id,
    sku: record.sku,
    name: record.name,
    description: record.description,
    categoryId: 'categoryId' in record ? record.categoryId : (record.category?.id ?? null),
    brand: record.brand,
    price: { amount: record.price.amount, currency: record.price.currency },
    stock: { available: record.available },
    attributes: record.attributes,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    version: record.version,
  };
}

export function toProductDocument(record: ProductRecord): ProductDocument {
  return {
    id: record.id,
    sku: record.sku,
    name: record.name,
    description: record.description,
    brand: record.brand,
    category: record.category
      ? {
          id: record.category.id,
          name: record.category.name,
          ancestorIds: [...record.category.ancestorIds],
        }
      : null,
    price: { amount: record.price.amount, currency: record.price.currency },
    stock: { available: record.available },
    attributes: record.attributes,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    version: record.version,
  };
}

import type { ProductDocument } from '../domain/product-document.js';
import type { IndexedProduct } from './search-index.js';

/** A time as the `newest` cursor prints it: `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds). */
export function printedTime(time: string | Date): string {
  return `${new Date(time).toISOString().slice(0, 23)}000Z`;
}

/** The index's view of a product document as catalog publishes it. */
export function fromDocument(product: ProductDocument): IndexedProduct {
  return {
    id: product.id,
    version: product.version,
    sku: product.sku,
    name: product.name,
    description: product.description,
    brand: product.brand,
    categoryId: product.category?.id ?? null,
    categoryName: product.category?.name ?? null,
    categoryPath: product.category ? [...product.category.ancestorIds, product.category.id] : [],
    priceAmount: product.price.amount,
    priceCurrency: product.price.currency,
    stockAvailable: product.stock.available,
    createdAt: printedTime(product.createdAt),
  };
}

import type { Money } from '@bazaar/contracts';
import type { Static } from '@sinclair/typebox';

export const SORT_ORDERS = ['relevance', 'price_asc', 'price_desc', 'newest'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** Narrowing of the result set; every field is optional and they combine with AND. */
export interface SearchFilters {
  /** A category id: products in it or in any of its sub-categories. */
  categoryId?: string;
  /** Brands, exactly as the brand facet spells them; a product of any of them matches. */
  brands?: string[];
  /** Price bounds in minor units, both inclusive. */
  minPrice?: number;
  maxPrice?: number;
  /** Only products with stock available. */
  inStock?: boolean;
}

export interface SearchRequest extends SearchFilters {
  q?: string;
  sort: SortOrder;
  limit: number;
  cursor?: string;
}

export interface SearchHit {
  id: string;
  sku: string;
  name: string;
  brand: string;
  categoryId: string | null;
  price: Static<typeof Money>;
  stock: { available: number };
  /** HTML-escaped text with matched words wrapped in `<mark>`…`</mark>`. */
  highlight: { name: string; description: string };
}

export interface ValueFacet {
  value: string;
  label?: string;
  count: number;
}

export interface PriceFacet {
  min: number;
  /** Exclusive; null for the last, open-ended range. */
  max: number | null;
  count: number;
}

export interface Facets {
  category: ValueFacet[];
  brand: ValueFacet[];
  price: PriceFacet[];
}

export interface SearchResult {
  items: SearchHit[];
  total: number;
  facets: Facets;
  nextCursor: string | null;
}

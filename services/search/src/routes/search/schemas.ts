import { Money } from '@bazaar/contracts';
import { Uuid, uuidWith } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';
import { SORT_ORDERS } from '../../domain/search-request.js';

/** Longest accepted query text; anything longer is a 400, not a slow query. */
export const MAX_QUERY_LENGTH = 200;
/** Largest price bound accepted, in minor units (far above any price, inside a safe integer). */
const MAX_AMOUNT = 1_000_000_000_000;

export const SearchQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: MAX_QUERY_LENGTH,
      description:
        'Words to find (all of them; the last one also as a prefix while it is being typed). Empty: every product.',
    }),
  ),
  category: Type.Optional(
    uuidWith({ description: 'A category id; its sub-categories are included' }),
  ),
  brand: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      maxItems: 20,
      description: 'Brands as the brand facet spells them; repeat for several (any of them)',
    }),
  ),
  minPrice: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_AMOUNT,
      description: 'Lowest price, minor units, inclusive',
    }),
  ),
  maxPrice: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_AMOUNT,
      description: 'Highest price, minor units, inclusive',
    }),
  ),
  inStock: Type.Optional(Type.Boolean({ description: 'true: only products with stock available' })),
  sort: Type.Union(
    SORT_ORDERS.map((order) => Type.Literal(order)),
    { default: 'relevance', description: 'Without q, relevance lists the newest first' },
  ),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
});
export type SearchQuery = Static<typeof SearchQuery>;

const SearchHit = Type.Object({
  id: Uuid,
  sku: Type.String(),
  name: Type.String(),
  brand: Type.String(),
  categoryId: Type.Union([Uuid, Type.Null()]),
  price: Money,
  stock: Type.Object({ available: Type.Integer({ minimum: 0 }) }),
  highlight: Type.Object(
    {
      name: Type.String(),
      description: Type.String(),
    },
    {
      description: 'HTML-escaped name and description snippet with matched words in <mark>…</mark>',
    },
  ),
});

const ValueFacet = Type.Object({
  value: Type.String(),
  label: Type.Optional(Type.String()),
  count: Type.Integer({ minimum: 1 }),
});

export const SearchReply = Type.Object({
  items: Type.Array(SearchHit),
  total: Type.Integer({ minimum: 0 }),
  facets: Type.Object({
    category: Type.Array(ValueFacet),
    brand: Type.Array(ValueFacet),
    price: Type.Array(
      Type.Object({
        min: Type.Integer({ minimum: 0 }),
        max: Type.Union([Type.Integer(), Type.Null()]),
        count: Type.Integer({ minimum: 0 }),
      }),
    ),
  }),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

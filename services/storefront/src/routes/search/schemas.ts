import { Type } from '@sinclair/typebox';
import { uuidWith } from '@bazaar/service-kit';
import { Money, NextCursor, PageQuery, PriceBound, Uuid } from '../common-schemas.js';

export const SearchQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Words to find (all of them; the last also as a prefix); a typo is tolerated',
      examples: ['enamle mug'],
    }),
  ),
  category: Type.Optional(uuidWith({ description: 'Category id; includes sub-categories' })),
  brand: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      maxItems: 20,
      description: 'Brands as the brand facet spells them; repeat for several (any of them)',
    }),
  ),
  minPrice: Type.Optional(PriceBound('Minor units, inclusive')),
  maxPrice: Type.Optional(PriceBound('Minor units, inclusive')),
  inStock: Type.Optional(Type.Boolean({ description: 'Only products with units available' })),
  sort: Type.Optional(
    Type.Union(
      [
        Type.Literal('relevance'),
        Type.Literal('price_asc'),
        Type.Literal('price_desc'),
        Type.Literal('newest'),
      ],
      { description: 'Default relevance (newest first without q)' },
    ),
  ),
  ...PageQuery,
});

export const SearchHit = Type.Object({
  id: Uuid,
  sku: Type.String(),
  name: Type.String({ examples: ['Enamel mug'] }),
  brand: Type.String(),
  categoryId: Type.Union([Uuid, Type.Null()]),
  price: Money,
  stock: Type.Object({ available: Type.Integer({ minimum: 0 }) }),
  highlight: Type.Object(
    { name: Type.String(), description: Type.String() },
    {
      description: 'HTML-escaped name and description snippet, matched words in <mark>…</mark>',
      examples: [
        { name: '<mark>Enamel</mark> mug', description: 'Blue <mark>enamel</mark>, 350 ml' },
      ],
    },
  ),
});

const Bucket = Type.Object({
  value: Type.String(),
  label: Type.Optional(Type.String({ description: 'A category’s name' })),
  count: Type.Integer({ minimum: 0 }),
});
const PriceBucket = Type.Object({
  min: Type.Integer({ minimum: 0, description: 'Minor units, inclusive' }),
  max: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Minor units, exclusive; null: unbounded',
  }),
  count: Type.Integer({ minimum: 0 }),
});

export const SearchResult = Type.Object({
  items: Type.Array(SearchHit),
  total: Type.Integer({ minimum: 0, description: 'Matches in all pages' }),
  facets: Type.Object({
    category: Type.Array(Bucket),
    brand: Type.Array(Bucket),
    price: Type.Array(PriceBucket),
  }),
  nextCursor: NextCursor,
});

import { Type } from '@sinclair/typebox';
import { Money, NextCursor, PageQuery, Uuid } from '../common-schemas.js';

export const SearchQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Words to find; a typo or two is tolerated',
      examples: ['mgu'],
    }),
  ),
  category: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Category id; includes sub-categories',
    }),
  ),
  brand: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  minPrice: Type.Optional(Type.Integer({ minimum: 0, description: 'Minor units, inclusive' })),
  maxPrice: Type.Optional(Type.Integer({ minimum: 0, description: 'Minor units, inclusive' })),
  inStock: Type.Optional(Type.Boolean({ description: 'Only products with units available' })),
  sort: Type.Optional(
    Type.Union(
      [
        Type.Literal('relevance'),
        Type.Literal('price_asc'),
        Type.Literal('price_desc'),
        Type.Literal('newest'),
      ],
      { default: 'relevance' },
    ),
  ),
  ...PageQuery,
});

export const SearchHit = Type.Object({
  id: Uuid,
  sku: Type.String(),
  name: Type.String({ examples: ['Enamel mug'] }),
  description: Type.String(),
  brand: Type.String(),
  categoryId: Type.Union([Uuid, Type.Null()]),
  price: Money,
  stock: Type.Object({ available: Type.Integer({ minimum: 0 }) }),
});

const Bucket = Type.Object({ value: Type.String(), count: Type.Integer({ minimum: 0 }) });
const PriceBucket = Type.Object({
  min: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Minor units, inclusive; null: unbounded',
  }),
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

import { Type, type TSchema } from '@sinclair/typebox';
import { DateTime, Money, NextCursor, PageQuery, PriceBound, Uuid } from '../common-schemas.js';

export const Category = Type.Recursive(
  (self: TSchema) =>
    Type.Object({
      id: Uuid,
      slug: Type.String({ examples: ['kitchen'] }),
      name: Type.String({ examples: ['Kitchen'] }),
      parentId: Type.Union([Uuid, Type.Null()]),
      children: Type.Array(self),
    }),
  { $id: 'PublicCategory', description: 'A category with its sub-categories' },
);

export const CategoryTree = Type.Object({ items: Type.Array(Category) });

export const Product = Type.Object(
  {
    id: Uuid,
    sku: Type.String({ examples: ['MUG-001'] }),
    name: Type.String({ examples: ['Enamel mug'] }),
    description: Type.String(),
    categoryId: Type.Union([Uuid, Type.Null()]),
    brand: Type.String({ examples: ['Bazaar Basics'] }),
    price: Money,
    stock: Type.Object({ available: Type.Integer({ minimum: 0, examples: [42] }) }),
    attributes: Type.Record(Type.String(), Type.String(), { examples: [{ colour: 'blue' }] }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'PublicProduct', description: 'A product with its price and the units available' },
);

export const ProductPage = Type.Object({ items: Type.Array(Product), nextCursor: NextCursor });

export const ListProductsQuery = Type.Object({
  category: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Category id or slug; includes sub-categories',
    }),
  ),
  brand: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  minPrice: Type.Optional(PriceBound('Minor units, inclusive')),
  maxPrice: Type.Optional(PriceBound('Minor units, inclusive')),
  ...PageQuery,
});

const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Attributes = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 500 }), {
  maxProperties: 50,
});
const Price = Type.Object({
  amount: Type.Integer({ minimum: 0, maximum: 10_000_000_000 }),
  currency: Type.Literal('EUR'),
});

export const CreateProductBody = Type.Object(
  {
    sku: Sku,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    brand: Type.String({ minLength: 1, maxLength: 100 }),
    categoryId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    price: Price,
    stock: Type.Integer({
      minimum: 0,
      maximum: 1_000_000_000,
      description: 'Initial units available',
    }),
    attributes: Type.Optional(Attributes),
  },
  {
    examples: [
      {
        sku: 'MUG-001',
        name: 'Enamel mug',
        description: 'Blue enamel, 350 ml',
        brand: 'Bazaar Basics',
        price: { amount: 1299, currency: 'EUR' },
        stock: 100,
      },
    ],
  },
);

export const UpdateProductBody = Type.Object(
  {
    sku: Type.Optional(Sku),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    categoryId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    price: Type.Optional(Price),
    attributes: Type.Optional(Attributes),
  },
  { minProperties: 1, examples: [{ price: { amount: 999, currency: 'EUR' } }] },
);

export const SetStockBody = Type.Object(
  { available: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }) },
  { examples: [{ available: 50 }] },
);

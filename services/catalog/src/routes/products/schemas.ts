import { Uuid } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Prices in minor units: an integer, at most 10 billion (a hundred million euros). */
export const MAX_AMOUNT = 10_000_000_000;

export const MoneySchema = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: MAX_AMOUNT, description: 'Minor units (cents)' }),
    currency: Type.Literal('EUR', { description: 'ISO 4217; Bazaar sells in EUR only' }),
  },
  { $id: 'Money' },
);

export const ProductSchema = Type.Object(
  {
    id: Uuid,
    sku: Type.String(),
    name: Type.String(),
    description: Type.String(),
    categoryId: Type.Union([Uuid, Type.Null()]),
    brand: Type.String(),
    price: Type.Object({ amount: Type.Integer(), currency: Type.String() }),
    stock: Type.Object({ available: Type.Integer({ minimum: 0 }) }),
    attributes: Type.Record(Type.String(), Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer({ minimum: 1 }),
  },
  { $id: 'Product' },
);

/**
 * A product as the storefront publishes it (its `PublicProduct`): every field but `version`,
 * which only admins' writes need. The answer of type {@link PUBLIC_PRODUCT_TYPE}, for a caller
 * that asks for it (the storefront relays it as it is); its text is made by Postgres
 * (`findPublicProductJsonById`), and `products-read.test.ts` holds it to this shape.
 */
export const PublicProductSchema = Type.Omit(ProductSchema, ['version'], {
  $id: 'PublicProduct',
});

/** The media type of {@link PublicProductSchema}: `Accept` it to be answered with it. */
export const PUBLIC_PRODUCT_TYPE = 'application/vnd.bazaar.public-product+json';

export const ProductParams = Type.Object({ id: Uuid });
export type ProductParams = Static<typeof ProductParams>;

export const ListProductsQuery = Type.Object({
  category: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Category id or slug; includes sub-categories',
    }),
  ),
  brand: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  minPrice: Type.Optional(
    Type.Integer({ minimum: 0, maximum: MAX_AMOUNT, description: 'Minor units, inclusive' }),
  ),
  maxPrice: Type.Optional(
    Type.Integer({ minimum: 0, maximum: MAX_AMOUNT, description: 'Minor units, inclusive' }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
});
export type ListProductsQuery = Static<typeof ListProductsQuery>;

export const ProductPage = Type.Object({
  items: Type.Array(ProductSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

import { Uuid } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';
import { MoneySchema } from '../products/schemas.js';

const MAX_UNITS = 1_000_000_000;

const Sku = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'Letters, digits, dot, dash, underscore; unique',
});
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 5000 });
const Brand = Type.String({ minLength: 1, maxLength: 100 });
const CategoryId = Type.Union([Uuid, Type.Null()]);
const Attributes = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 500 }), {
  maxProperties: 50,
  description: 'Free-form string attributes (colour, size, material, ...)',
});
const Units = Type.Integer({ minimum: 0, maximum: MAX_UNITS });

export const CreateProductBody = Type.Object({
  sku: Sku,
  name: Name,
  description: Type.Optional(Description),
  brand: Brand,
  categoryId: Type.Optional(CategoryId),
  price: MoneySchema,
  stock: Type.Integer({
    minimum: 0,
    maximum: MAX_UNITS,
    description: 'Initial units available',
  }),
  attributes: Type.Optional(Attributes),
});
export type CreateProductBody = Static<typeof CreateProductBody>;

export const UpdateProductBody = Type.Object(
  {
    sku: Type.Optional(Sku),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    brand: Type.Optional(Brand),
    categoryId: Type.Optional(CategoryId),
    price: Type.Optional(MoneySchema),
    attributes: Type.Optional(Attributes),
  },
  { minProperties: 1 },
);
export type UpdateProductBody = Static<typeof UpdateProductBody>;

export const SetStockBody = Type.Object({ available: Units });
export type SetStockBody = Static<typeof SetStockBody>;

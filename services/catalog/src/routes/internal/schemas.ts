import { Events } from '@bazaar/contracts';
import { Uuid } from '@bazaar/service-kit';
import { Type } from '@sinclair/typebox';

export const PricesBody = Type.Object({
  productIds: Type.Array(Uuid, { minItems: 1, maxItems: 100 }),
});

export const PricesReply = Type.Object({
  items: Type.Array(
    Type.Object({
      productId: Uuid,
      sku: Type.String(),
      name: Type.String(),
      price: Type.Object({ amount: Type.Integer(), currency: Type.String() }),
      available: Type.Integer(),
    }),
  ),
  unknown: Type.Array(Uuid),
});

export const ExportQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
});

export const ExportPage = Type.Object({
  items: Type.Array(Events['product.created'].versions[1].properties.product),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

import { Uuid } from '@bazaar/service-kit';
import { Type } from '@sinclair/typebox';
import { MoneySchema } from '../orders/schemas.js';

export const CartSchema = Type.Object({
  id: Uuid,
  orderId: Type.Union([Uuid, Type.Null()], { description: 'set once the cart became an order' }),
  items: Type.Array(
    Type.Object({
      productId: Uuid,
      sku: Type.String(),
      name: Type.String(),
      quantity: Type.Integer({ minimum: 1, maximum: 99 }),
      unitPrice: MoneySchema,
      lineTotal: MoneySchema,
      available: Type.Integer({ description: 'units in stock now' }),
    }),
  ),
  missing: Type.Array(Type.Object({ productId: Uuid, quantity: Type.Integer() }), {
    description: 'items whose product no longer exists; not in the total',
  }),
  total: MoneySchema,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const CartParams = Type.Object({ id: Uuid });
export const CartItemParams = Type.Object({ id: Uuid, productId: Uuid });
export const CartItemBody = Type.Object({
  quantity: Type.Integer({ minimum: 0, maximum: 99, description: '0 removes the item' }),
});

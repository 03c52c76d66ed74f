import { Type } from '@sinclair/typebox';
import { DateTime, Money, Uuid } from '../common-schemas.js';

export const CartLine = Type.Object({
  productId: Uuid,
  sku: Type.String(),
  name: Type.String(),
  quantity: Type.Integer({ minimum: 1, examples: [2] }),
  unitPrice: Money,
  lineTotal: Money,
  available: Type.Integer({ minimum: 0, description: 'Units in stock now' }),
});

export const Cart = Type.Object(
  {
    id: Uuid,
    orderId: Type.Union([Uuid, Type.Null()], {
      description: 'The order this cart became, once checked out',
    }),
    items: Type.Array(CartLine),
    missing: Type.Array(Type.Object({ productId: Uuid, quantity: Type.Integer() }), {
      description:
        'Items whose product no longer exists: not in the total; set their quantity to 0',
    }),
    total: Money,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  {
    description: 'A cart priced at current prices; owned by the shopper when created with a token',
  },
);

export const CartItemParams = Type.Object({ id: Uuid, productId: Uuid });

export const SetItemBody = Type.Object(
  { quantity: Type.Integer({ minimum: 0, maximum: 99, description: '0 removes the item' }) },
  { examples: [{ quantity: 2 }] },
);

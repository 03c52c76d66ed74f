import { Uuid } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

const Line = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

export const AddressBody = Type.Object({
  name: Line(100),
  line1: Line(200),
  line2: Type.Optional(Type.String({ maxLength: 200 })),
  city: Line(100),
  postalCode: Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9 -]+$' }),
  country: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' }),
});
export type AddressBody = Static<typeof AddressBody>;

export const AddressSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  line1: Type.String(),
  line2: Type.Optional(Type.String()),
  city: Type.String(),
  postalCode: Type.String(),
  country: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const AddressListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const AddressList = Type.Object({
  items: Type.Array(AddressSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const AddressParams = Type.Object({ id: Uuid });

import { Type } from '@sinclair/typebox';
import { DateTime, NextCursor, PageQuery, ShippingAddress, Uuid } from '../common-schemas.js';

export { User as Profile } from '../auth/schemas.js';

export const UpdateProfileBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { minProperties: 1, examples: [{ name: 'Ada King' }] },
);

export const Address = Type.Object({
  id: Uuid,
  ...ShippingAddress.properties,
  createdAt: DateTime,
});

export const AddressList = Type.Object({ items: Type.Array(Address), nextCursor: NextCursor });

export const AddressListQuery = Type.Object({ ...PageQuery });

export const NewAddressBody = ShippingAddress;

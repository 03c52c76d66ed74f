import { Type } from '@sinclair/typebox';

/** UUIDv7 (any UUID is accepted on read; producers mint v7 so ids sort by time). */
export const Id = Type.String({ format: 'uuid' });

/** Money: an integer of minor units and an ISO 4217 currency (`{ amount: 1999, currency: 'EUR' }`). */
export const Money = Type.Object(
  {
    amount: Type.Integer({ minimum: 0 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  },
  { additionalProperties: false },
);

export const Timestamp = Type.String({ format: 'date-time' });

import { Type, type Static } from '@sinclair/typebox';

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
/** The TypeScript shape of `Money`: every service's domain uses this one. */
export type Money = Static<typeof Money>;

export const Timestamp = Type.String({ format: 'date-time' });

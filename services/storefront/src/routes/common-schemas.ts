import { problemResponses, uuidWith } from '@bazaar/service-kit';
import { Type, type TSchema } from '@sinclair/typebox';

/** Public schemas shared by several resources. They are the storefront's own contract. */

/** The kit's id schema (canonical uuids only, as Postgres reads them), with an example. */
export const Uuid = uuidWith({ examples: ['01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77'] });
export const DateTime = Type.String({
  format: 'date-time',
  examples: ['2026-11-22T10:00:00.000Z'],
});

export const Money = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, description: 'Minor units (cents)', examples: [1999] }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217', examples: ['EUR'] }),
  },
  { description: 'An amount of money: integer minor units and a currency' },
);

/** A price bound in a filter: minor units, no more than any price can be (catalog's limit). */
export const PriceBound = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 10_000_000_000, description });

export const IdParams = Type.Object({ id: Uuid });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 500, description: 'Opaque; from nextCursor' }),
  ),
};

export const NextCursor = Type.Union([Type.String(), Type.Null()], {
  description: 'Cursor of the next page; null on the last page',
});

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: NextCursor });

export const ShippingAddress = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    postalCode: Type.String({ minLength: 1, maxLength: 20 }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  },
  {
    examples: [
      {
        name: 'Ada Lovelace',
        line1: '12 Market Street',
        city: 'Lyon',
        postalCode: '69001',
        country: 'FR',
      },
    ],
  },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'The same key and body give the same answer; the same key with another body 422',
      examples: ['a3f1c2d4-checkout-1'],
    }),
  ),
});

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (the failing fields are listed)',
  401: 'Missing or invalid access token',
  403: 'The token lacks the required role',
  404: 'Not found (or not yours)',
  409: 'Conflict with the current state',
  413: 'Body too large',
  422: 'Idempotency key reused with another body, or a request that cannot be processed',
  429: 'Rate limited; see Retry-After',
  503: 'A service this request needs is unavailable; see Retry-After',
};

/** problem+json responses for the given statuses; 429 and 503 are possible on every route. */
export const problems = (...statuses: number[]) =>
  problemResponses(statuses, { descriptions: STATUS_DESCRIPTIONS, always: [429, 503] });

/** OpenAPI security requirement of routes needing an access token. */
export const bearer = [{ bearerAuth: [] }];

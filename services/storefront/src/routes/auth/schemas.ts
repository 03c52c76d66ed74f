import { Type } from '@sinclair/typebox';
import { DateTime, Uuid } from '../common-schemas.js';

export const Email = Type.String({
  format: 'email',
  maxLength: 254,
  examples: ['ada@example.com'],
});

export const User = Type.Object(
  {
    id: Uuid,
    email: Email,
    name: Type.String({ examples: ['Ada Lovelace'] }),
    roles: Type.Array(Type.Union([Type.Literal('customer'), Type.Literal('admin')])),
    createdAt: DateTime,
  },
  { description: 'A shopper account' },
);

export const Tokens = Type.Object(
  {
    accessToken: Type.String({ description: 'JWT (EdDSA) to send as `Authorization: Bearer`' }),
    refreshToken: Type.String({ description: 'Opaque; spent on use' }),
    tokenType: Type.Optional(Type.Literal('Bearer')),
    expiresIn: Type.Integer({
      description: 'Seconds until the access token expires',
      examples: [900],
    }),
    user: User,
  },
  { description: 'A token pair and the account it belongs to' },
);

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Type.String({
      minLength: 10,
      maxLength: 128,
      description: '10 to 128 characters, not containing the email’s local part',
    }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
  },
  {
    examples: [
      { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada Lovelace' },
    ],
  },
);

export const LoginBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { examples: [{ email: 'ada@example.com', password: 'correct horse battery' }] },
);

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 256 }) },
  { examples: [{ refreshToken: 'rt_2b7e1516...' }] },
);

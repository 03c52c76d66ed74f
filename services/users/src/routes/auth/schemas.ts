import { Type, type Static } from '@sinclair/typebox';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../domain/password-policy.js';
import { NameSchema, UserSchema } from '../shared-schemas.js';

// Surrounding blanks are allowed here and trimmed by the domain with the case. The domain is
// "a dot with at least one character on each side", written so each character has one place
// to go: its first character, then non-dots up to the first dot after it, then the rest.
// `[^\s@]+\.[^\s@]+` said the same but could split a run of dots n ways, taking seconds on a
// long hostile string (ajv runs the pattern even past maxLength). Same language: checked on
// every string of up to 8 characters over `a.@ b`.
const EmailSchema = Type.String({
  maxLength: 320,
  pattern: '^\\s*[^\\s@]+@[^\\s@][^\\s@.]*\\.[^\\s@]*[^\\s@]\\s*$',
  description: 'compared trimmed and in lower case',
});

export const RegisterBody = Type.Object({
  email: EmailSchema,
  password: Type.String({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not containing the email's local part`,
  }),
  name: NameSchema,
});
export type RegisterBody = Static<typeof RegisterBody>;

// At login any password is merely compared: its policy is not revealed, only its length bounded.
export const LoginBody = Type.Object({
  email: EmailSchema,
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object({
  refreshToken: Type.String({ minLength: 1, maxLength: 256 }),
});
export type RefreshBody = Static<typeof RefreshBody>;

export const TokenPairReply = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds the access token lives' }),
  user: UserSchema,
});

import { Type } from '@sinclair/typebox';

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.Union([Type.Literal('customer'), Type.Literal('admin')])),
  createdAt: Type.String({ format: 'date-time' }),
});

/** A person's name as shown to them: 1 to 100 characters, not only blanks. */
export const NameSchema = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });

export const bearerSecurity = [{ bearerAuth: [] }];

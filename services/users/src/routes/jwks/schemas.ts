import { Type } from '@sinclair/typebox';

export const JwksReply = Type.Object({
  keys: Type.Array(
    Type.Object(
      {
        kty: Type.String(),
        kid: Type.String(),
        alg: Type.String(),
        use: Type.String(),
        crv: Type.Optional(Type.String()),
        x: Type.Optional(Type.String()),
        y: Type.Optional(Type.String()),
      },
      // Public parts only, by construction: the schema also drops anything else on the way out.
      { additionalProperties: false },
    ),
  ),
});

import { Type, type TSchema } from '@sinclair/typebox';

const CategoryNodeSchema = Type.Recursive(
  (self: TSchema) =>
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      slug: Type.String(),
      name: Type.String(),
      parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
      children: Type.Array(self),
    }),
  { $id: 'CategoryNode' },
);

export const CategoryTree = Type.Object({ items: Type.Array(CategoryNodeSchema) });

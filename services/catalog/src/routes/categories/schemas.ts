import { Uuid } from '@bazaar/service-kit';
import { Type, type TSchema } from '@sinclair/typebox';

const CategoryNodeSchema = Type.Recursive(
  (self: TSchema) =>
    Type.Object({
      id: Uuid,
      slug: Type.String(),
      name: Type.String(),
      parentId: Type.Union([Uuid, Type.Null()]),
      children: Type.Array(self),
    }),
  { $id: 'CategoryNode' },
);

export const CategoryTree = Type.Object({ items: Type.Array(CategoryNodeSchema) });

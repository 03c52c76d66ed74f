import { Type, type Static } from '@sinclair/typebox';
import { NameSchema } from '../shared-schemas.js';

export const PatchMeBody = Type.Object({ name: Type.Optional(NameSchema) }, { minProperties: 1 });
export type PatchMeBody = Static<typeof PatchMeBody>;

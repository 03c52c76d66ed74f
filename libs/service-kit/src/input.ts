import { Type, type StringOptions } from '@sinclair/typebox';
import type { FuncKeywordDefinition } from 'ajv';

/**
 * A uuid as Postgres' `uuid` type reads it back: 8-4-4-4-12 hex digits, either case. ajv-formats'
 * `uuid` also accepts `urn:uuid:<uuid>`, which Postgres refuses (a 500 where a 400 belongs); the
 * kit's validator redefines the `uuid` format with this pattern, so every `format: 'uuid'` means it.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one id schema of every service's params, query and bodies. */
export const Uuid = Type.String({ format: 'uuid' });

/** {@link Uuid} with a description or examples of its own. */
export const uuidWith = (options: Omit<StringOptions, 'format'>) =>
  Type.String({ ...options, format: 'uuid' });

/**
 * `noNul`: a string must not contain U+0000, which Postgres' text and jsonb refuse. The kit's
 * validator adds it to every string schema (and to the keys of open objects) of every route.
 */
export const noNulKeyword: FuncKeywordDefinition = {
  keyword: 'noNul',
  type: 'string',
  schemaType: 'boolean',
  errors: true,
  validate: function noNul(enabled: boolean, data: string): boolean {
    if (!enabled || !data.includes('\u0000')) return true;
    (noNul as unknown as { errors: object[] }).errors = [
      { keyword: 'noNul', message: 'must not contain U+0000', params: {} },
    ];
    return false;
  },
};

const hasType = (schema: Record<string | symbol, unknown>, type: string) =>
  schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));

/**
 * Adds `noNul` to every string schema, and to the property names of objects whose keys are open
 * (records), so no route's input can carry U+0000 into the database.
 */
export function refuseNul(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(refuseNul);
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as Record<string | symbol, unknown>;
  const out: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(source)) {
    // `properties` maps names to schemas: its keys are names, never keywords.
    out[key] =
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(
            Object.entries(source[key] as Record<string, unknown>).map(([name, value]) => [
              name,
              refuseNul(value),
            ]),
          )
        : refuseNul(source[key]);
  }
  if (hasType(source, 'string') && out.noNul === undefined) out.noNul = true;
  const openKeys =
    out.patternProperties !== undefined ||
    (out.additionalProperties !== undefined && out.additionalProperties !== false);
  if (hasType(source, 'object') && openKeys && out.propertyNames === undefined) {
    out.propertyNames = { type: 'string', noNul: true };
  }
  return out;
}

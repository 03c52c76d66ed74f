import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { noNulKeyword, refuseNul, UUID_PATTERN } from './input.js';

// ajv-formats is CommonJS with a default export; unwrap it the same way under ESM and CJS.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const shared: Options = {
  allErrors: true,
  useDefaults: true,
  strict: false,
  removeAdditional: false,
};

/** ajv-formats, with `uuid` meaning what Postgres accepts (no `urn:uuid:` prefix), and `noNul`. */
function withFormats(ajv: Ajv): Ajv {
  addFormats(ajv);
  ajv.addFormat('uuid', UUID_PATTERN);
  ajv.addKeyword(noNulKeyword);
  return ajv;
}

/** Body validation never coerces: `"3"` is not a number in JSON. */
const bodyAjv = withFormats(new Ajv({ ...shared, coerceTypes: false }));
/** Query strings, params and headers are text on the wire: convert them to the schema's types. */
const textAjv = withFormats(new Ajv({ ...shared, coerceTypes: 'array' }));

/**
 * Object schemas in bodies are closed unless they say otherwise: an unknown field is a 400
 * rather than silently dropped, so a typo in a client never goes unnoticed.
 */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as Record<string | symbol, unknown>;
  const out: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(source)) out[key] = closeObjects(source[key]);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (httpPart === 'body') return bodyAjv.compile(refuseNul(closeObjects(schema)) as object);
  return textAjv.compile(refuseNul(schema) as object);
};

import { Validator } from '@seriousme/openapi-schema-validator';

/** Validates an OpenAPI document against the official 3.x schemas; resolves to the errors found. */
export async function openApiErrors(document: unknown): Promise<unknown[]> {
  const result = await new Validator().validate(document as Parameters<Validator['validate']>[0]);
  if (result.valid) return [];
  return Array.isArray(result.errors) ? result.errors : [result.errors];
}

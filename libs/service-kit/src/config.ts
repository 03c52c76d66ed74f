import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Thrown by {@link loadConfig} with every problem found, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Whether a key's value may be echoed in an error: numbers, booleans and choices from a fixed
 * list cannot be secrets. Free strings can (URLs with passwords, keys, webhook secrets), so
 * their values are never printed — only their key and length — whether or not anyone marked
 * them secret.
 */
function showable(schema: TSchema | undefined): boolean {
  if (!schema) return false;
  if (['integer', 'number', 'boolean'].includes(schema.type as string)) return true;
  const choices = schema.anyOf as TSchema[] | undefined;
  return Array.isArray(choices) && choices.every((choice) => 'const' in choice);
}

/**
 * Reads a service's configuration from environment variables once: defaults applied, strings
 * converted to the schema's types, every bad or missing key reported together (by key; a string's
 * value is never echoed, it may be a secret), result frozen.
 * Keys of the schema are the environment variable names (`PORT`, `DATABASE_URL`, ...).
 */
export function loadConfig<S extends TSchema>(
  schema: S,
  env: Record<string, string | undefined>,
): Readonly<Static<S>> {
  const known = Object.keys((schema as unknown as { properties?: object }).properties ?? {});
  const input: Record<string, unknown> = {};
  for (const key of known) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') input[key] = raw;
  }
  const withDefaults = Value.Default(schema, input);
  const converted = Value.Convert(schema, withDefaults);
  const properties = (schema as unknown as { properties?: Record<string, TSchema> }).properties;
  const problems = [...Value.Errors(schema, converted)].map((error) => {
    const key = error.path.replace(/^\//, '') || '(root)';
    const raw = env[key];
    const shown =
      raw === undefined
        ? 'missing'
        : showable(properties?.[key])
          ? `got ${JSON.stringify(raw)}`
          : `${[...raw].length} characters, value not shown`;
    return `${key}: ${error.message} (${shown})`;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(converted as Static<S>);
}

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
 * Reads a service's configuration from environment variables once: defaults applied, strings
 * converted to the schema's types, every bad or missing key reported together, result frozen.
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
  const problems = [...Value.Errors(schema, converted)].map((error) => {
    const key = error.path.replace(/^\//, '') || '(root)';
    const shown = env[key] === undefined ? 'missing' : `got ${JSON.stringify(env[key])}`;
    return `${key}: ${error.message} (${shown})`;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(converted as Static<S>);
}

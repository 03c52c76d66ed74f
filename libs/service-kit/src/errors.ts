/** What a service's error catalog says about one kind of error. */
export interface ErrorDefinition {
  status: number;
  title: string;
}

/**
 * An expected failure a service reports to its caller. It becomes an RFC 9457 problem:
 * `type` derived from the code, the catalog's `title` and `status`, this error's `detail`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }
}

export type ErrorFactory = (
  detail?: string,
  extensions?: Record<string, unknown>,
  headers?: Record<string, string>,
) => AppError;

/**
 * Declares a service's error catalog once (`ORDERS_NOT_FOUND: { status: 404, title: ... }`)
 * and returns one factory per code: `errors.ORDERS_NOT_FOUND('order 42 does not exist')`.
 */
export function defineErrors<K extends string>(
  catalog: Record<K, ErrorDefinition>,
): Record<K, ErrorFactory> {
  const factories = {} as Record<K, ErrorFactory>;
  for (const code of Object.keys(catalog) as K[]) {
    const { status, title } = catalog[code];
    factories[code] = (detail, extensions, headers) =>
      new AppError(code, status, title, detail, extensions, headers);
  }
  return factories;
}

/** The problem `type` URI for an error code: `ORDERS_NOT_FOUND` -> `.../orders-not-found`. */
export function problemType(code: string): string {
  return `https://bazaar.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

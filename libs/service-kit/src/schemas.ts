import { Type } from '@sinclair/typebox';

/** problem+json as it appears in OpenAPI response schemas. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);

export const LogLevelSchema = Type.Union(
  [
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ],
  { default: 'info' },
);

/** Keys every service reads; a service's config spreads these into its own schema. */
export const CommonConfig = {
  NODE_ENV: Type.Union(
    [Type.Literal('development'), Type.Literal('test'), Type.Literal('production')],
    {
      default: 'development',
    },
  ),
  LOG_LEVEL: LogLevelSchema,
  HOST: Type.String({ default: '0.0.0.0' }),
  DEPLOYMENT_ENVIRONMENT: Type.String({ default: 'local' }),
  /** Prefix for RabbitMQ exchange and queue names; empty in real deployments, unique per e2e run. */
  AMQP_NAMESPACE: Type.String({ default: '', pattern: '^[a-z0-9._-]*$' }),
  /**
   * Parameterized queries run as named prepared statements, planned once per connection; `false`
   * behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  DATABASE_PREPARED_STATEMENTS: Type.Boolean({ default: true }),
};

export interface ProblemResponseOptions {
  /**
   * Document each status with its description and the `application/problem+json` media type
   * (a public API's style: storefront); without it each status gets the bare `ProblemSchema`.
   */
  descriptions?: Readonly<Record<number, string>>;
  /** Statuses every route of the service may answer besides its own (storefront: 429, 503). */
  always?: readonly number[];
  /**
   * Refer to the `Problem` schema the service registered (`app.addSchema(ProblemSchema)`)
   * instead of inlining it: the document then shows a `$ref` (users' style, kept so its
   * document stays as it was).
   */
  ref?: boolean;
}

/**
 * The problem responses of a route schema, the one way to declare them:
 * `response: { 200: Product, ...problemResponses([400, 404]) }`.
 */
export function problemResponses(
  statuses: readonly number[],
  options: ProblemResponseOptions = {},
): Record<number, unknown> {
  const all = [...new Set([...statuses, ...(options.always ?? [])])];
  const { descriptions } = options;
  const schema = options.ref ? Type.Ref(ProblemSchema) : ProblemSchema;
  return Object.fromEntries(
    all.map((status) => [
      status,
      descriptions
        ? {
            description: descriptions[status] ?? 'Problem',
            content: { 'application/problem+json': { schema } },
          }
        : schema,
    ]),
  );
}

/**
 * The Postgres server (without a database) and the broker the tests use: `TEST_DATABASE_URL` and
 * `TEST_AMQP_URL` as everywhere else in `pnpm test` (the ones its global setup checks), else the
 * local defaults.
 */
function serverOf(url: string): string {
  const server = new URL(url);
  server.pathname = '';
  return server.toString().replace(/\/$/, '');
}

export const POSTGRES = serverOf(
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);
export const AMQP = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

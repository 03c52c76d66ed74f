// Container health check (Dockerfile HEALTHCHECK, compose): GET a health route of the service in
// this container; exit 0 when it answers 2xx. No dependencies, no shell, 2 s budget.
//   node healthcheck.mjs [/health/live | /health/ready]
const DEFAULT_PORTS = {
  storefront: 8080,
  catalog: 8081,
  orders: 8082,
  users: 8083,
  payments: 8084,
  search: 8085,
};
const path = process.argv[2] ?? '/health/live';
const port = process.env.PORT ?? DEFAULT_PORTS[process.env.SERVICE] ?? 8080;

try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(2000),
  });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}

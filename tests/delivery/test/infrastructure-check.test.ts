import { execFile } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROOT } from '../src/workspace.js';

// The check `pnpm test` runs once before any test file (scripts/jest-global-setup.cjs) and
// `pnpm start` before it builds: pointed at closed ports, it must say what is missing and how
// to start it. Open ports here are listeners of this file (the check only connects to them, and
// asks the management API for /api/overview), so it runs where no broker or database is (the
// delivery job of CI).
const infrastructure = createRequire(join(ROOT, 'package.json'))(
  './scripts/infrastructure.cjs',
) as {
  missingForTests(env: Record<string, string | undefined>): Promise<string[]>;
};

const CLOSED = '127.0.0.1:1';
const servers: Server[] = [];
let up: Record<string, string>;

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const postgres = await listen(createServer((socket) => socket.end()));
  const amqp = await listen(createServer((socket) => socket.end()));
  const management = await listen(
    createHttpServer((request, response) => {
      response.statusCode = request.url === '/api/overview' ? 200 : 404;
      response.end('{}');
    }),
  );
  up = {
    TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${postgres}/postgres`,
    TEST_AMQP_URL: `amqp://guest:guest@127.0.0.1:${amqp}`,
    RABBITMQ_MANAGEMENT_URL: `http://guest:guest@127.0.0.1:${management}`,
  };
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('the infrastructure check', () => {
  it('when Postgres, RabbitMQ and its management API answer, then nothing is missing', async () => {
    expect(await infrastructure.missingForTests(up)).toEqual([]);
  });

  it('when Postgres is not there, then one message names it and says how to start it', async () => {
    const problems = await infrastructure.missingForTests({
      ...up,
      TEST_DATABASE_URL: `postgres://postgres@${CLOSED}/postgres`,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^PostgreSQL is not reachable at postgres:\/\/postgres@127\.0\.0\.1:1/,
    );
    expect(problems[0]).toContain('pg_ctlcluster');
    expect(problems[0]).toContain('docker compose -f deploy/compose.yaml up -d postgres rabbitmq');
  });

  it('when RabbitMQ is not there, then one message names it (with its password masked)', async () => {
    const problems = await infrastructure.missingForTests({
      ...up,
      TEST_AMQP_URL: `amqp://guest:secret@${CLOSED}`,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^RabbitMQ is not reachable at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/,
    );
    expect(problems[0]).toContain('rabbitmq-server -detached');
  });

  it('when the management API does not answer, then the message says how to enable it', async () => {
    const problems = await infrastructure.missingForTests({
      ...up,
      RABBITMQ_MANAGEMENT_URL: `http://guest:guest@${CLOSED}`,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^RabbitMQ's management API is not reachable/);
    expect(problems[0]).toContain('rabbitmq-plugins enable rabbitmq_management');
  });

  it('when pnpm test starts with Postgres missing, then jest stops at once with that one message', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [join(ROOT, 'node_modules/jest/bin/jest.js'), '--ci', 'libs/cli/test'],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ...up,
            TEST_DATABASE_URL: `postgres://postgres@${CLOSED}/postgres`,
          },
          timeout: 60_000,
        },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The tests cannot run:');
    expect(result.stderr.match(/is not reachable/g)).toHaveLength(1);
    expect(result.stderr).toContain('PostgreSQL is not reachable');
    // No test file ran.
    expect(result.stderr).not.toMatch(/PASS|FAIL/);
  });
});

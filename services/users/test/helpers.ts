import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import type { App } from '@bazaar/service-kit';
import { buildApp } from '../src/app.js';
import { loadServiceConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';

/**
 * A clock tests can move: `clock.advance(ms)`. It follows real time unless frozen; a test whose
 * assertions depend on how much time passed between two requests (backoffs, windows) freezes
 * it, so a slow, loaded machine cannot let a wait run out between them.
 */
export function testClock() {
  let offset = 0;
  let frozenAt: number | null = null;
  return {
    now: () => new Date(frozenAt ?? Date.now() + offset),
    advance(ms: number) {
      if (frozenAt === null) offset += ms;
      else frozenAt += ms;
    },
    freeze() {
      frozenAt = Date.now() + offset;
    },
    reset() {
      offset = 0;
      frozenAt = null;
    },
  };
}

export interface UsersTestApp {
  app: App;
  database: TestDatabase<Database>;
  lines: string[];
  clock: ReturnType<typeof testClock>;
  close(): Promise<void>;
}

/** The users app on its own fresh database, its log lines captured. */
export async function startUsersApp(
  label: string,
  env: Record<string, string> = {},
  existing?: TestDatabase<Database>,
): Promise<UsersTestApp> {
  const database = existing ?? (await createTestDatabase<Database>(label, migrations));
  const lines: string[] = [];
  const clock = testClock();
  const config = loadServiceConfig({
    DATABASE_URL: database.url,
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    ...env,
  });
  const app = await buildApp(config, {
    db: database.db,
    now: clock.now,
    logStream: { write: (line) => void lines.push(line) },
  });
  await app.ready();
  return {
    app,
    database,
    lines,
    clock,
    async close() {
      await app.close();
      if (!existing) await database.drop();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let counter = 0;
/** A unique, valid registration. */
export function newAccount(
  overrides: Partial<{ email: string; password: string; name: string }> = {},
) {
  counter += 1;
  return {
    email: `shopper${counter}.${Date.now()}@example.com`,
    password: 'correct horse battery staple',
    name: 'Ann Shopper',
    ...overrides,
  };
}

export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  const part = (p: string) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  return { header: part(header), payload: part(payload) };
}

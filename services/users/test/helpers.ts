import type { TestDatabase } from '@bazaar/db/testing';
import type { App } from '@bazaar/service-kit';
import { startTestService } from '@bazaar/service-kit/testing';
import { buildApp, createUsersContext } from '../src/app.js';
import { loadServiceConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import type { UsersContext } from '../src/domain/context.js';

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
  /** The users domain the app runs on (its keys, hasher, clock). */
  context: UsersContext;
  database: TestDatabase<Database>;
  /** The broker namespace of this app (its relay publishes there when `messaging` is on). */
  namespace: string;
  lines: string[];
  clock: ReturnType<typeof testClock>;
  close(): Promise<void>;
}

/**
 * The users service from its `buildApp` on its own fresh database (or `existing`), its log lines
 * captured; with `messaging`, listening with its relay started, as the process runs.
 */
export async function startUsersApp(
  label: string,
  env: Record<string, string> = {},
  existing?: TestDatabase<Database>,
  options: { messaging?: boolean } = {},
): Promise<UsersTestApp> {
  const lines: string[] = [];
  const clock = testClock();
  let context!: UsersContext;
  const service = await startTestService<Database>({
    service: 'users',
    label: label.replace(/^users_/, ''),
    migrations,
    database: existing,
    env: { LOG_LEVEL: 'debug', ...env },
    listen: options.messaging === true,
    build: async ({ env: serviceEnv, db, messaging }) => {
      const config = loadServiceConfig(serviceEnv);
      context = await createUsersContext(config, { db, now: clock.now });
      return buildApp(config, {
        db,
        context,
        logStream: { write: (line) => void lines.push(line) },
        messaging,
      });
    },
  });
  return {
    app: service.app,
    context,
    database: service.database!,
    namespace: service.namespace,
    lines,
    clock,
    close: () => service.close(),
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

import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createDb } from '@bazaar/db';
import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { createApp, Uuid, type App } from '../src/index.js';

/**
 * Input that the schemas accept and Postgres refuses used to be a 500 (and 500s open the
 * callers' circuit breakers). These tests send what Postgres refuses through the kit.
 */
describe('hostile input', () => {
  let database: TestDatabase<unknown>;
  let db = undefined as unknown as ReturnType<typeof createDb>;
  let app: App;
  const ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';

  beforeAll(async () => {
    database = await createTestDatabase('kit_hostile');
    db = createDb(database.url, { poolSize: 2 });
    await sql`create table things (id uuid primary key, name text not null check (name <> 'x'),
      data jsonb)`.execute(db);
    app = await createApp({ name: 'hostile-test', version: '0.0.0', logLevel: 'silent' });
    app.get(
      '/things/:id',
      {
        schema: {
          params: Type.Object({ id: Uuid }),
          querystring: Type.Object({ brand: Type.Optional(Type.String()) }),
        },
      },
      async (request) => ({ id: request.params.id, brand: request.query.brand }),
    );
    app.post(
      '/things',
      {
        schema: {
          body: Type.Object({
            id: Uuid,
            name: Type.String(),
            data: Type.Optional(Type.Record(Type.String(), Type.String())),
          }),
        },
      },
      async (request, reply) => {
        await sql`insert into things (id, name, data) values (${request.body.id}, ${request.body.name},
          ${JSON.stringify(request.body.data ?? {})}::jsonb)`.execute(db);
        return reply.code(201).send({});
      },
    );
    // A route without schemas: whatever arrives reaches Postgres, as a gap in validation would.
    app.post('/raw', async (request, reply) => {
      const { id, name } = request.body as { id: unknown; name: unknown };
      await sql`insert into things (id, name) values (${id}::uuid, ${name})`.execute(db);
      return reply.code(201).send({});
    });
    app.post('/bug', async () => {
      // A programmer error the caller cannot cause: still a 500.
      await sql`insert into things (id, name) values (${ID}, null)`.execute(db);
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.destroy();
    await database.drop();
  });

  const isProblem = (response: { headers: Record<string, unknown> }) =>
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);

  it('when an id is a urn:uuid, then 400 in params and body', async () => {
    const inPath = await app.inject({ url: `/things/urn:uuid:${ID}` });
    expect(inPath.statusCode).toBe(400);
    isProblem(inPath);
    expect(inPath.json().errors[0].field).toBe('params.id');
    const inBody = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { id: `urn:uuid:${ID}`, name: 'a' },
    });
    expect(inBody.statusCode).toBe(400);
    expect(inBody.json().errors[0].field).toBe('body.id');
  });

  it('when an id is a canonical uuid in either case, then it is accepted', async () => {
    expect((await app.inject({ url: `/things/${ID}` })).statusCode).toBe(200);
    expect((await app.inject({ url: `/things/${ID.toUpperCase()}` })).statusCode).toBe(200);
  });

  it('when a string holds U+0000, then 400 names the field (query, body, record key and value)', async () => {
    const query = await app.inject({ url: `/things/${ID}?brand=%00` });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors[0]).toEqual({
      field: 'querystring.brand',
      message: 'must not contain U+0000',
    });
    for (const [payload, field] of [
      [{ id: ID, name: 'a\u0000b' }, 'body.name'],
      [{ id: ID, name: 'a', data: { colour: '\u0000' } }, 'body.data.colour'],
      [{ id: ID, name: 'a', data: { ['k\u0000']: 'v' } }, 'body.data'],
    ] as const) {
      const response = await app.inject({ method: 'POST', url: '/things', payload });
      expect(response.statusCode).toBe(400);
      isProblem(response);
      expect(response.json().errors[0].field).toBe(field);
    }
  });

  it('when Postgres refuses a value as data (class 22), then 400 problem+json without its message', async () => {
    for (const payload of [
      { id: 'urn:uuid:' + ID, name: 'a' },
      { id: ID, name: 'a\u0000' },
    ]) {
      const response = await app.inject({ method: 'POST', url: '/raw', payload });
      expect(response.statusCode).toBe(400);
      isProblem(response);
      expect(response.json()).toMatchObject({ status: 400, code: 'INVALID_VALUE' });
      expect(response.body).not.toMatch(/uuid|syntax|things/i);
    }
  });

  it('when a value violates a constraint (class 23), then 409 for a duplicate and 422 for a check', async () => {
    const id = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e78';
    expect(
      (await app.inject({ method: 'POST', url: '/raw', payload: { id, name: 'a' } })).statusCode,
    ).toBe(201);
    const duplicate = await app.inject({ method: 'POST', url: '/raw', payload: { id, name: 'a' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'CONFLICT' });
    expect(duplicate.body).not.toMatch(/things_pkey|Key \(/);
    const checked = await app.inject({
      method: 'POST',
      url: '/raw',
      payload: { id: '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e79', name: 'x' },
    });
    expect(checked.statusCode).toBe(422);
    expect(checked.json()).toMatchObject({ code: 'CONSTRAINT_VIOLATED' });
  });

  it('when a not-null column is left empty by the code, then it stays a 500', async () => {
    const response = await app.inject({ method: 'POST', url: '/bug' });
    expect(response.statusCode).toBe(500);
  });

  it('when the content type is not JSON, then 415 problem+json', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'id=1',
    });
    expect(response.statusCode).toBe(415);
    isProblem(response);
  });

  it('when a path parameter is too long, then 414 problem+json', async () => {
    const response = await app.inject({ url: `/things/${'a'.repeat(500)}` });
    expect(response.statusCode).toBe(414);
    isProblem(response);
    expect(response.json()).toMatchObject({ status: 414, code: 'FST_ERR_MAX_PARAM_LENGTH' });
  });

  it('when the path is not valid percent-encoding, then 400 problem+json', async () => {
    const response = await app.inject({ url: '/things/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    isProblem(response);
  });

  it('when the request head is too large for the HTTP parser, then 431 problem+json', async () => {
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const answer = await new Promise<{ status?: number; type?: string; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path: `/things/${ID}?q=${'a'.repeat(20_000)}` },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode, type: res.headers['content-type'], body }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(answer.status).toBe(431);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431 });
  });

  it('when the request line is not HTTP, then 400 problem+json and the connection closes', async () => {
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 400,
      code: 'MALFORMED_REQUEST',
    });
  });

  it('when the OpenAPI document is read, then every operation lists a 4XX problem response', async () => {
    const document = (await app.inject({ url: '/docs/json' })).json();
    const operations = Object.values(document.paths as Record<string, Record<string, unknown>>)
      .flatMap((path) => Object.values(path))
      .map((operation) => operation as { responses: Record<string, unknown> });
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      expect(operation.responses['4XX']).toEqual({
        description: 'The request was refused; the problem says why',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      });
    }
    expect(document.components.schemas.Problem).toMatchObject({ type: 'object' });
  });
});

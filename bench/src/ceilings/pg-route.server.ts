// Ceiling 2: a bare Fastify route reading one row by primary key with pg (named prepared
// statement), the shape of a product-detail read without any of the platform around it.
import Fastify from 'fastify';
import pg from 'pg';
import { serveCeiling } from './spawn-server.js';

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/items/:id', async (request, reply) => {
  const { rows } = await pool.query({
    name: 'item-by-id',
    text: 'select id, name, price from bench_item where id = $1',
    values: [Number(request.params.id)],
  });
  if (rows.length === 0) return reply.code(404).send({ error: 'not found' });
  return rows[0];
});
await serveCeiling(app, () => pool.end());

// Ceiling 1: a bare Fastify route, nothing else: the most this machine serves over HTTP.
import Fastify from 'fastify';
import { serveCeiling } from './spawn-server.js';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
await serveCeiling(app);

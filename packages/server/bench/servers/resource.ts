// A resource server on gatehouse/verify: it holds GATEHOUSE_ACCESS_KEY (HS256, what `gatehouse secret
// --access-key` prints), guards its route with the library's Fastify plugin, and answers a constant (the /users/me
// body, so only the verify differs from the ceiling).
import Fastify from 'fastify';
import { accessKeySource, gatehouseVerify } from '@gatehouse-auth/verify';
import { userSchema } from '../../src/http/schemas.js';
import { listenAndAnnounce } from './listen.js';

const body: unknown = JSON.parse(process.env.BENCH_BODY ?? '{}');
const app = Fastify({ logger: false });
app.addSchema(userSchema);
await app.register(gatehouseVerify, { keys: accessKeySource(process.env.GATEHOUSE_ACCESS_KEY ?? ''), issuer: 'gatehouse' });
app.get('/users/me', { onRequest: app.gatehouse.requireUser, schema: { response: { 200: { $ref: 'User#' } } } }, async () => body);
await listenAndAnnounce(app);

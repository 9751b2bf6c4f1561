// A resource server on gatehouse/verify: it holds GATEHOUSE_SECRET (HS256 with the derived access
// key), guards its route with the library's Fastify plugin, and answers a constant (the /users/me
// body, so only the verify differs from the ceiling).
import Fastify from 'fastify';
import { gatehouseVerify, sharedSecretKeySource } from '@gatehouse-auth/verify';
import { userSchema } from '../../src/http/schemas.js';
import { listenAndAnnounce } from './listen.js';

const body: unknown = JSON.parse(process.env.BENCH_BODY ?? '{}');
const app = Fastify({ logger: false });
app.addSchema(userSchema);
await app.register(gatehouseVerify, { keys: sharedSecretKeySource(process.env.GATEHOUSE_SECRET ?? ''), issuer: 'gatehouse' });
app.get('/users/me', { onRequest: app.gatehouse.requireUser, schema: { response: { 200: { $ref: 'User#' } } } }, async () => body);
await listenAndAnnounce(app);

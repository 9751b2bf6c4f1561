// The ceiling: a bare Fastify server whose one route answers what GET /users/me answers (the
// same body, serialised through the same schema) with no auth at all. Body in BENCH_BODY.
import Fastify from 'fastify';
import { userSchema } from '../../src/http/schemas.js';
import { listenAndAnnounce } from './listen.js';

const body: unknown = JSON.parse(process.env.BENCH_BODY ?? '{}');
const app = Fastify({ logger: false });
app.addSchema(userSchema);
app.get('/users/me', { schema: { response: { 200: { $ref: 'User#' } } } }, async () => body);
await listenAndAnnounce(app);

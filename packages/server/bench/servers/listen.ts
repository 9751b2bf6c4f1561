// Shared by the bench's own servers: listen on a free loopback port, print the URL the harness
// waits for, and close on SIGTERM.
import type { FastifyInstance } from 'fastify';

export async function listenAndAnnounce(app: FastifyInstance): Promise<void> {
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.once('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)); });
  console.log(`READY ${url}`);
}

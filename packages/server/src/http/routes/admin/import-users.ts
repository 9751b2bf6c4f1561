// POST /admin/users/import (role admin): the lines of `gatehouse user import` as an NDJSON body,
// read as a stream up to a bound, checked whole, then written (core/import/, docs/migrating.md).
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { AuthError } from '../../../core/errors.js';
import type { createUserImport } from '../../../core/import/import-users.js';
import { readJsonLines } from '../../../core/import/read-lines.js';
import { adminActor, adminGuard } from '../../admin-request.js';
import { unsupportedTypeMessage } from '../../media-types.js';
import { bearerSecurity, responses } from '../../schemas.js';

export type ImportUsers = ReturnType<typeof createUserImport>;

/** One request's bounds: larger imports go through the CLI, or in several requests (each is idempotent). */
export const IMPORT_MAX_BYTES = 64 * 1024 * 1024;
export const IMPORT_MAX_LINES = 100_000;
const NDJSON = 'application/x-ndjson';

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    skip_invalid: { type: 'string', enum: ['true', 'false'], description: 'Import the good lines and list the bad ones, instead of writing nothing' },
    update: { type: 'string', enum: ['true', 'false'], description: 'Overwrite the profile fields of users matched by id or email' },
  },
} as const;

const badLine = { type: 'object', properties: { line: { type: 'integer' }, reason: { type: 'string' } }, required: ['line', 'reason'] } as const;
const resultSchema = {
  type: 'object',
  description: 'What the import did',
  properties: {
    created: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' },
    skipped: { type: 'array', items: badLine, description: 'With skip_invalid: the lines left out and why' },
  },
  required: ['created', 'updated', 'unchanged', 'skipped'],
} as const;

export function adminImportRoute(app: FastifyInstance, importUsers: ImportUsers): void {
  // in a scope of its own: only this route takes NDJSON, as a stream that is never buffered whole
  void app.register(async (scope) => {
    scope.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));
    scope.post<{ Querystring: { skip_invalid?: string; update?: string } }>('/admin/users/import', {
      onRequest: adminGuard(scope),
      schema: {
        tags: ['admin'], security: bearerSecurity, consumes: [NDJSON], querystring: querySchema,
        summary: `Import users with their password hashes: JSON lines as in gatehouse user import, at most ${IMPORT_MAX_LINES} lines and ${IMPORT_MAX_BYTES / 1024 / 1024} MiB`,
        response: responses({ 200: resultSchema }, [400, 401, 403, 413, 415, 503]),
      },
    }, async (request) => {
      // JSON and forms have their parsers everywhere: only the NDJSON parser hands over the stream
      if (!(request.body instanceof Readable)) throw new AuthError('unsupported_media_type', unsupportedTypeMessage(request));
      const source = await readJsonLines(request.body, { maxBytes: IMPORT_MAX_BYTES, maxLines: IMPORT_MAX_LINES });
      const options = { skipInvalid: request.query.skip_invalid === 'true', update: request.query.update === 'true' };
      const result = await importUsers(source, options, adminActor(request));
      if (!result.ok) {
        throw new AuthError('import_invalid', `${result.bad.length} line(s) are bad; nothing was imported.`, { details: { lines: result.bad } });
      }
      const { created, updated, unchanged, skipped } = result;
      return { created, updated, unchanged, skipped };
    });
  });
}

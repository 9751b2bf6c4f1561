// Fastify's own refusals of a request (schema, body size, media type) as AuthErrors whose message
// says what to change; error-handler.ts turns them into answers. Without the request (nothing
// to look at), Fastify's message is kept.
import type { FastifyError, FastifyRequest } from 'fastify';
import { AuthError } from '../core/errors.js';
import { unsupportedTypeMessage } from './media-types.js';
import { describeValidation } from './validation-message.js';

export function fromFastifyError(error: Partial<FastifyError>, request?: FastifyRequest): AuthError | undefined {
  if (error.validation) {
    return new AuthError('validation_failed', request ? validationMessage(error, request) : `Invalid request: ${error.message ?? 'bad input'}`);
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AuthError('payload_too_large', request ? bodyTooLargeMessage(request.routeOptions.bodyLimit) : error.message ?? 'Body too large.');
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new AuthError('unsupported_media_type', request ? unsupportedTypeMessage(request) : error.message ?? 'Unsupported media type.');
  }
  return undefined;
}

/** BODY_LIMIT_BYTES (config.bodyLimitBytes) is what Fastify enforces as the route's bodyLimit. */
export function bodyTooLargeMessage(limitBytes: number): string {
  return `The body is larger than the ${formatBytes(limitBytes)} limit (BODY_LIMIT_BYTES).`;
}

function formatBytes(bytes: number): string {
  if (bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

interface ObjectSchema {
  properties?: object;
  additionalProperties?: unknown;
}

type Part = 'body' | 'querystring' | 'params' | 'headers';
const RECEIVED: Record<Part, (request: FastifyRequest) => unknown> = {
  body: (request) => request.body,
  querystring: (request) => request.query,
  params: (request) => request.params,
  headers: (request) => request.headers,
};

function validationMessage(error: Partial<FastifyError>, request: FastifyRequest): string {
  const first = error.validation![0];
  const part = (error.validationContext ?? 'body') as Part;
  if (!first) return `Invalid ${part}.`;
  const schema = (request.routeOptions.schema as Record<string, ObjectSchema | undefined> | undefined)?.[part];
  return `${describeValidation({
    error: first,
    part,
    value: RECEIVED[part]?.(request),
    properties: schema?.properties && schema.additionalProperties === false ? Object.keys(schema.properties) : undefined,
  })}.`;
}

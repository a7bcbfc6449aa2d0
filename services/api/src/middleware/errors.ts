import { AppError } from '@turbozap/shared/errors/app-error';
import { isDependencyFailure } from '@turbozap/shared/errors/dependency-failure';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { fail } from '../http/envelope.ts';

/** Body-parser and other HTTP-layer errors carry a status and a type. */
const httpErrorCodes: Record<string, [number, string]> = {
  'entity.too.large': [413, 'payload_too_large'],
  'entity.parse.failed': [400, 'invalid_json'],
  'encoding.unsupported': [415, 'unsupported_media_type'],
  'charset.unsupported': [415, 'unsupported_media_type'],
  'request.aborted': [400, 'request_aborted'],
  'request.size.invalid': [400, 'invalid_request'],
  'stream.encoding.set': [400, 'invalid_request'],
  'parameters.too.many': [413, 'payload_too_large'],
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof AppError) {
      return fail(res, error.status, error.code, error.message, error.details, error.retryAfterSeconds);
    }
    // A path with a broken %-escape (Express's params, or our own decoding of /media keys).
    if ((error as Error)?.name === 'URIError')
      return fail(res, 400, 'malformed_uri', 'the path has an invalid %-escape');
    const httpError = httpErrorCodes[(error as { type?: string })?.type ?? ''];
    if (httpError) return fail(res, httpError[0], httpError[1], (error as Error).message);
    const status = (error as { status?: number })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return fail(res, status, 'invalid_request', 'the request could not be processed');
    }
    // The database or broker is down: 503, never a 500.
    if (isDependencyFailure(error)) {
      logger.warn('dependency unavailable', { route: req.route?.path, error });
      return fail(res, 503, 'service_unavailable', 'a dependency is unavailable, retry later', undefined, 5);
    }
    logger.error('unhandled error', { route: req.route?.path, method: req.method, error });
    return fail(res, 500, 'internal_error', 'internal error');
  };
}

export const notFoundHandler: RequestHandler = (_req, res) => fail(res, 404, 'route_not_found', 'no such route');

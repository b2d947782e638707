import type { FastifyError, FastifyInstance } from 'fastify';
import { isParmanaError, ParmanaError } from '../../core/errors/ParmanaError.js';
import type { ErrorBody } from '../contract.js';
import { httpStatus } from './httpStatus.js';

/** Fastify's own errors, as our codes. */
const FASTIFY_CODES: Readonly<Record<string, 'API-004' | 'API-005' | 'API-012'>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'API-004',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'API-012',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'API-005',
  FST_ERR_CTP_INVALID_JSON_BODY: 'API-005',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'API-005',
};

export function toCoded(err: unknown): ParmanaError {
  if (isParmanaError(err)) return err;
  const e = err as Partial<FastifyError>;
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const first = e.validation[0];
    const where = first?.instancePath === undefined || first.instancePath === '' ? '' : first.instancePath;
    const path = `$${where.replace(/\//g, '.')}`;
    return new ParmanaError('API-006', {
      path: e.validationContext === undefined ? path : `${e.validationContext}:${path}`,
      detail: first?.message ?? 'invalid',
    });
  }
  const code = e.code === undefined ? undefined : FASTIFY_CODES[e.code];
  if (code !== undefined) return new ParmanaError(code);
  if (typeof e.statusCode === 'number' && e.statusCode === 413) return new ParmanaError('API-004');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ParmanaError('API-006', { detail: e.message ?? 'bad request' });
  }
  return new ParmanaError('API-099', { cause: err });
}

export function errorBody(err: ParmanaError, requestId: string): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.path === undefined ? {} : { path: err.path }),
      requestId,
    },
  };
}

/** One error shape everywhere; internal failures are logged with their stack here and never sent out. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const coded = toCoded(err);
    const status = httpStatus(coded.code);
    if (status >= 500) req.log.error({ err, code: coded.code }, 'request failed');
    const body = coded.code === 'API-099' ? errorBody(new ParmanaError('API-099'), req.id) : errorBody(coded, req.id);
    return reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send(errorBody(new ParmanaError('API-008', { detail: `${req.method} ${req.url.split('?')[0] ?? ''}` }), req.id)),
  );
}

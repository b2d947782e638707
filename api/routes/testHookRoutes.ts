import type { FastifyPluginAsync } from 'fastify';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { AppDeps } from '../AppDeps.js';
import type { EnvelopeJson } from '../contract.js';
import { errorSchema, executionParams } from './schemas.js';

/**
 * Test hooks (PARMANA_API_TEST_HOOKS=1 only): make the audit read of one execution return an attestation whose
 * signed payload was altered, as if storage had been tampered with, so browser tests can prove the dashboard shows
 * it as invalid. Off, the routes answer 404 API-013.
 */
export class ReadTampering {
  private readonly ids = new Set<string>();

  mark(executionId: string): void {
    this.ids.add(executionId);
  }

  apply(executionId: string, envelope: EnvelopeJson): EnvelopeJson {
    if (!this.ids.has(executionId)) return envelope;
    const text = Buffer.from(envelope.payload, 'base64').toString('utf8');
    const altered = text.replace(/"action":"([^"]*)"/, '"action":"$1-altered"');
    return { ...envelope, payload: Buffer.from(altered, 'utf8').toString('base64') };
  }
}

export function testHookRoutes(deps: AppDeps, tampering: ReadTampering): FastifyPluginAsync {
  return (app) => {
    app.post<{ Params: { executionId: string } }>(
      '/test-hooks/tamper/:executionId',
      {
        config: { roles: ['admin'] },
        schema: { hide: true, params: executionParams, response: { '4xx': errorSchema } },
      },
      (req, reply) => {
        if (deps.settings.testHooks !== true) throw new ParmanaError('API-013');
        tampering.mark(req.params.executionId);
        return reply.code(204).send();
      },
    );
    return Promise.resolve();
  };
}

import type { FastifyPluginAsync } from 'fastify';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { AppDeps } from '../AppDeps.js';
import type { OverrideRequest, OverrideResponse } from '../contract.js';
import { errorSchema, overrideBody } from './schemas.js';

/** POST /override: a command through Kafka; the worker owning the execution answers with a signed result. */
export function overrideRoutes(deps: AppDeps): FastifyPluginAsync {
  return (app) => {
    app.post<{ Body: OverrideRequest }>(
      '/override',
      {
        config: { roles: ['approver'] },
        schema: {
          summary: 'Approve or reject an execution pending override',
          security: [{ bearerAuth: [] }],
          body: overrideBody,
          response: { '4xx': errorSchema, '5xx': errorSchema },
        },
      },
      async (req) => {
        const key = req.apiKey;
        // The role claimed must be one the key holds: an approver key cannot sign off as admin.
        if (key === null || !key.roles.includes(req.body.approverRole as 'approver' | 'admin')) {
          throw new ParmanaError('API-002', { path: '$.approverRole', detail: 'the key does not hold this role' });
        }
        const outcome = await deps.overrides.override(req.body, deps.settings.overrideTimeoutMs);
        if (outcome === 'timeout') {
          throw new ParmanaError('API-007', { detail: `override of ${req.body.executionId}` });
        }
        if ('envelope' in outcome) {
          const body: OverrideResponse = {
            executionId: outcome.executionId,
            status: outcome.status,
            approvedBy: outcome.approvedBy,
            decidedAt: outcome.decidedAt,
            attestation: outcome.envelope,
          };
          return body;
        }
        if (outcome.status === 'not_found') throw new ParmanaError('INV-018');
        if (outcome.status === 'already_resolved') throw new ParmanaError('INV-017');
        throw new ParmanaError('INV-019', { detail: outcome.message });
      },
    );
    return Promise.resolve();
  };
}

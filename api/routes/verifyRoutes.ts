import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { AppDeps } from '../AppDeps.js';
import type { VerificationResult } from '../contract.js';
import { errorSchema, verifyBody } from './schemas.js';
import { verifyForApi } from './verification.js';

/** POST /verify: the verification is recorded on the verifications topic before the caller hears the result. */
export function verifyRoutes(deps: AppDeps): FastifyPluginAsync {
  return (app) => {
    app.post<{ Body: { attestation: object; signals?: object } }>(
      '/verify',
      {
        config: { roles: ['executor'] },
        schema: {
          summary: 'Verify an attestation against the trust root and record the verification',
          security: [{ bearerAuth: [] }],
          body: verifyBody,
          response: { '4xx': errorSchema, '5xx': errorSchema },
        },
      },
      async (req) => {
        const result: VerificationResult = {
          verificationId: randomUUID(),
          ...verifyForApi(req.body.attestation, deps.trustRoot(), req.body.signals),
        };
        if (!result.valid) {
          deps.events.securityEvent({
            eventType: 'signature_failure',
            severity: 'critical',
            executionId: result.executionId,
            code: result.reasons[0]?.code ?? null,
            detail: { reasons: result.reasons, via: 'POST /verify', keyName: req.apiKey?.name ?? null },
            sourceId: result.verificationId,
          });
        }
        try {
          await deps.events.verification({
            verificationId: result.verificationId,
            executionId: result.executionId,
            valid: result.valid,
            checks: result.checks,
            reasons: result.reasons,
            signerKeyId: result.signerKeyId,
            source: 'api',
            requestedBy: req.apiKey?.name ?? null,
          });
        } catch (cause) {
          throw new ParmanaError('API-010', { cause, detail: 'the verification could not be recorded' });
        }
        return result;
      },
    );
    return Promise.resolve();
  };
}

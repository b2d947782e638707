import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { validateExecutionRequest } from '../../producers/validateExecutionRequest.js';
import type { AppDeps } from '../AppDeps.js';
import type { ExecuteRequest, ExecuteResponse, RejectionBody } from '../contract.js';
import type { Outcome } from '../ports.js';
import { errorSchema, executeBody, executeResponse, executionParams, rejectionResponse } from './schemas.js';

const security = [{ bearerAuth: [] }];

function send(reply: FastifyReply, outcome: Outcome, requestId: string): FastifyReply {
  if (outcome.kind === 'decision') {
    const body: ExecuteResponse = {
      executionId: outcome.executionId,
      status: outcome.executionState,
      requires_override: outcome.requiresOverride,
      action: outcome.action,
      ruleId: outcome.ruleId,
      attestation: outcome.envelope,
    };
    return reply.code(200).send(body);
  }
  const body: RejectionBody = {
    error: {
      code: outcome.code,
      message: outcome.message,
      ...(outcome.path === null ? {} : { path: outcome.path }),
      requestId,
    },
    rejection: { executionId: outcome.executionId, attestation: outcome.envelope },
  };
  return reply.code(422).send(body);
}

/** POST /execute (request/reply over the pipeline) and GET /executions/:executionId (its outcome later). */
export function executeRoutes(deps: AppDeps): FastifyPluginAsync {
  return (app) => {
    app.post<{ Body: ExecuteRequest }>(
      '/execute',
      {
        config: { roles: ['executor'], rateBucket: 'execute' },
        schema: {
          summary: 'Decide one execution: produce the request and wait for its signed outcome',
          security,
          body: executeBody,
          response: { 200: executeResponse, 422: rejectionResponse, '4xx': errorSchema, '5xx': errorSchema },
        },
      },
      async (req, reply) => {
        const checked = validateExecutionRequest(req.body, { maxRequestBytes: deps.settings.maxRequestBytes });
        if (!checked.ok) throw checked.error;
        const traceHeader = req.headers.traceparent;
        const outcome = await deps.executions.execute(
          {
            executionId: checked.request.executionId,
            policyId: checked.request.policyId,
            policyVersion: checked.request.policyVersion,
            signalsJson: checked.signalsJson,
            requestedBy: checked.request.requestedBy ?? req.apiKey?.name ?? null,
          },
          deps.settings.executeTimeoutMs,
          typeof traceHeader === 'string' ? traceHeader : undefined,
        );
        if (outcome === 'timeout') {
          throw new ParmanaError('API-007', { detail: `executionId ${checked.request.executionId}` });
        }
        return send(reply, outcome, req.id);
      },
    );

    app.get<{ Params: { executionId: string } }>(
      '/executions/:executionId',
      {
        config: { roles: ['executor', 'auditor'] },
        schema: {
          summary: 'The outcome of an execution, once decided (e.g. after a 504 from POST /execute)',
          security,
          params: executionParams,
          response: { 200: executeResponse, 422: rejectionResponse, '4xx': errorSchema, '5xx': errorSchema },
        },
      },
      async (req, reply) => {
        const { executionId } = req.params;
        const recent = deps.executions.recent(executionId);
        if (recent?.kind === 'decision') return send(reply, recent, req.id);
        // The audit trail is the record of truth for anything older than this instance's memory.
        const stored = await deps.audit.decision(executionId).catch((err: unknown) => {
          if (recent !== undefined) return null;
          throw err;
        });
        if (stored !== null) {
          return send(
            reply,
            {
              kind: 'decision',
              executionId,
              action: stored.row.action,
              executionState: stored.row.execution_state === 'pending_override' ? 'pending_override' : 'completed',
              requiresOverride: stored.row.requires_override,
              ruleId: stored.row.ruleId,
              envelope: stored.envelope,
            },
            req.id,
          );
        }
        if (recent !== undefined) return send(reply, recent, req.id);
        const rejected = await deps.audit.rejection(executionId);
        if (rejected !== null) {
          return send(reply, { kind: 'rejection', executionId, ...rejected }, req.id);
        }
        throw new ParmanaError('API-008', { detail: `no outcome for executionId ${executionId} yet` });
      },
    );
    return Promise.resolve();
  };
}

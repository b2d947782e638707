import type { FastifyPluginAsync } from 'fastify';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { AppDeps } from '../AppDeps.js';
import type {
  ApiCallFilters,
  DecisionDetail,
  DecisionFilters,
  OverrideFilters,
  SecurityEventFilters,
  TimeRange,
  VerificationFilters,
} from '../contract.js';
import {
  apiCallsQuery,
  decisionsQuery,
  errorSchema,
  executionParams,
  overridesQuery,
  securityEventsQuery,
  securityQuery,
  verificationsQuery,
} from './schemas.js';
import type { ReadTampering } from './testHookRoutes.js';
import { verifyForApi } from './verification.js';

const security = [{ bearerAuth: [] }];
const errors = { '4xx': errorSchema, '5xx': errorSchema };

/** from must come before to: a reversed range is a caller's mistake, not an empty result. */
function checkRange(q: { from?: string; to?: string }): void {
  if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) >= Date.parse(q.to)) {
    throw new ParmanaError('API-011', { path: '$.from', detail: 'from must be earlier than to' });
  }
}

/** GET /audit/*: reads of the Postgres projections; 503 (API-009) when the audit database is unreachable. */
export function auditRoutes(deps: AppDeps, tampering: ReadTampering): FastifyPluginAsync {
  return (app) => {
    const config = { roles: ['auditor'] as const };

    app.get<{ Querystring: DecisionFilters }>(
      '/audit/decisions',
      {
        config,
        schema: {
          summary: 'Decisions, newest first, with filters and cursor paging',
          security,
          querystring: decisionsQuery,
          response: errors,
        },
      },
      (req) => {
        checkRange(req.query);
        return deps.audit.decisions(req.query);
      },
    );

    app.get<{ Params: { executionId: string } }>(
      '/audit/decisions/:executionId',
      {
        config,
        schema: {
          summary: 'One decision with its attestation re-verified now',
          security,
          params: executionParams,
          response: errors,
        },
      },
      async (req) => {
        const found = await deps.audit.decision(req.params.executionId);
        if (found === null) throw new ParmanaError('API-008', { detail: `no decision for ${req.params.executionId}` });
        const envelope = tampering.apply(found.row.executionId, found.envelope);
        const body: DecisionDetail = {
          decision: found.row,
          attestation: envelope,
          verification: verifyForApi(envelope, deps.trustRoot()),
          overrides: found.overrides,
        };
        return body;
      },
    );

    app.get<{ Querystring: TimeRange }>(
      '/audit/security',
      {
        config,
        schema: {
          summary: 'Security events grouped by type and severity',
          security,
          querystring: securityQuery,
          response: errors,
        },
      },
      async (req) => {
        checkRange(req.query);
        return { items: await deps.audit.securityGroups(req.query) };
      },
    );

    app.get<{ Querystring: SecurityEventFilters }>(
      '/audit/security/events',
      {
        config,
        schema: {
          summary: 'Raw security events, newest first',
          security,
          querystring: securityEventsQuery,
          response: errors,
        },
      },
      (req) => {
        checkRange(req.query);
        return deps.audit.securityEvents(req.query);
      },
    );

    app.get<{ Querystring: OverrideFilters }>(
      '/audit/overrides',
      {
        config,
        schema: {
          summary: 'Executions needing an override: pending and resolved',
          security,
          querystring: overridesQuery,
          response: errors,
        },
      },
      (req) => deps.audit.overrides(req.query),
    );

    app.get<{ Querystring: VerificationFilters }>(
      '/audit/verifications',
      {
        config,
        schema: { summary: 'Verification history', security, querystring: verificationsQuery, response: errors },
      },
      (req) => {
        checkRange(req.query);
        return deps.audit.verifications(req.query);
      },
    );

    app.get<{ Querystring: ApiCallFilters }>(
      '/audit/api-calls',
      { config, schema: { summary: 'API call log', security, querystring: apiCallsQuery, response: errors } },
      (req) => {
        checkRange(req.query);
        return deps.audit.apiCalls(req.query);
      },
    );

    app.get(
      '/audit/stats',
      { config, schema: { summary: 'Counts and per-minute series for the dashboard', security, response: errors } },
      () => deps.audit.stats(deps.now()),
    );
    return Promise.resolve();
  };
}

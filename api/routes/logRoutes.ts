import type { FastifyPluginAsync } from 'fastify';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { AppDeps } from '../AppDeps.js';
import type { ConsistencyProofQuery, InclusionProofQuery, LogMonitorResponse } from '../contract.js';
import {
  checkpointResponse,
  consistencyProof,
  entryResponse,
  inclusionProof,
  latestCheckpoint,
} from '../log/logProofs.js';
import { consistencyProofQuery, errorSchema, inclusionProofQuery, logEntryParams, monitorQuery } from './schemas.js';

const security = [{ bearerAuth: [] }];
const errors = { '4xx': errorSchema, '5xx': errorSchema };

/**
 * GET /log/*: the transparency log's checkpoint, entries and RFC 9162 proofs. Executors may fetch proofs of the
 * decisions they received; auditors read everything. Proofs are verified by the caller (CLI, dashboard), never
 * trusted from here.
 */
export function logRoutes(deps: AppDeps): FastifyPluginAsync {
  return (app) => {
    const config = { roles: ['auditor', 'executor'] as const };

    app.get(
      '/log/checkpoint',
      { config, schema: { summary: 'The latest signed checkpoint (C2SP signed note)', security, response: errors } },
      async () => checkpointResponse(await latestCheckpoint(deps.transparencyLog)),
    );

    app.get<{ Params: { index: number } }>(
      '/log/entries/:index',
      {
        config,
        schema: {
          summary: 'One log entry: the signed envelope at that index',
          security,
          params: logEntryParams,
          response: errors,
        },
      },
      async (req) => {
        const entry = await deps.transparencyLog.entry(req.params.index);
        if (entry === null) throw new ParmanaError('LOG-010', { detail: `index ${req.params.index}` });
        return entryResponse(entry);
      },
    );

    app.get<{ Querystring: InclusionProofQuery }>(
      '/log/proof/inclusion',
      {
        config,
        schema: {
          summary: 'Inclusion proof of an executionId (or index) in the tree of treeSize (default: latest checkpoint)',
          security,
          querystring: inclusionProofQuery,
          response: errors,
        },
      },
      (req) => {
        const q = req.query;
        if ((q.executionId === undefined) === (q.index === undefined)) {
          throw new ParmanaError('API-011', { path: '$.executionId', detail: 'give executionId or index (not both)' });
        }
        return inclusionProof(deps.transparencyLog, q);
      },
    );

    app.get<{ Querystring: ConsistencyProofQuery }>(
      '/log/proof/consistency',
      {
        config,
        schema: {
          summary: 'Consistency proof between two tree sizes (to defaults to the latest checkpoint)',
          security,
          querystring: consistencyProofQuery,
          response: errors,
        },
      },
      (req) => consistencyProof(deps.transparencyLog, req.query.from, req.query.to),
    );

    app.get<{ Querystring: { limit: number } }>(
      '/log/monitor',
      {
        config: { roles: ['auditor'] as const },
        schema: { summary: "The log monitors' latest reports", security, querystring: monitorQuery, response: errors },
      },
      async (req): Promise<LogMonitorResponse> => ({
        items: await deps.transparencyLog.monitorReports(req.query.limit),
      }),
    );

    return Promise.resolve();
  };
}

import { createClient, type ParmanaClient } from '../../api/client/createClient.js';
import type { ExecuteRequest } from '../../api/contract.js';
import { PipelineHarness } from '../pipeline/PipelineHarness.js';
import { ApiProcess } from './ApiProcess.js';

/** Signals the loan-approval policy approves. */
export const LOAN = {
  credit_score: 760,
  annual_income: 120_000,
  loan_amount: 20_000,
  debt_to_income: 0.2,
  employment_status: 'employed',
  has_collateral: false,
};

/** Signals the agent-action-gate policy sends to a human (pending_override). */
export const RISKY = {
  action_type: 'delete',
  amount: 0,
  environment: 'production',
  agent_trust_level: 5,
  affects_pii: false,
};

/** A loan-approval request with the LOAN signals. */
export function loanRequest(executionId: string, requestedBy?: string): ExecuteRequest {
  return {
    executionId,
    policyId: 'loan-approval',
    policyVersion: '1.0.0',
    signals: LOAN,
    ...(requestedBy === undefined ? {} : { requestedBy }),
  };
}

export interface ApiPipeline {
  readonly h: PipelineHarness;
  readonly api: ApiProcess;
  readonly executor: ParmanaClient;
  readonly auditor: ParmanaClient;
  readonly approver: ParmanaClient;
}

/**
 * An isolated pipeline with the decision worker, the sinks and the log writer running (`logWriterEnv` for the log
 * writer only), a `parmana api` process on it (`extraEnv` for the API only) and a typed client for each role that
 * tests use. If the API does not start, the pipeline is closed.
 */
export async function startApiPipeline(
  extraEnv: Record<string, string> = {},
  logWriterEnv: Record<string, string> = {},
): Promise<ApiPipeline> {
  const h = await PipelineHarness.create();
  try {
    h.start(['worker']);
    h.start(['sinks']);
    h.start(['log', 'writer'], logWriterEnv);
    const api = await ApiProcess.start(h, extraEnv);
    const client = (apiKey: string) => createClient({ baseUrl: api.url, apiKey });
    return {
      h,
      api,
      executor: client(api.secrets.executor),
      auditor: client(api.secrets.auditor),
      approver: client(api.secrets.approver),
    };
  } catch (err) {
    await h.close();
    throw err;
  }
}

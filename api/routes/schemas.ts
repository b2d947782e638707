// JSON schemas of the routes: Fastify validates with them and @fastify/swagger turns them into the OpenAPI document.

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        path: { type: 'string' },
        requestId: { type: 'string' },
      },
    },
  },
} as const;

export const envelopeSchema = {
  type: 'object',
  required: ['payloadType', 'payload', 'signatures'],
  additionalProperties: false,
  properties: {
    payloadType: { type: 'string', maxLength: 200 },
    payload: { type: 'string', maxLength: 1_000_000 },
    signatures: {
      type: 'array',
      maxItems: 8,
      items: {
        type: 'object',
        required: ['keyid', 'sig'],
        additionalProperties: false,
        properties: { keyid: { type: 'string', maxLength: 200 }, sig: { type: 'string', maxLength: 200 } },
      },
    },
  },
} as const;

const id = { type: 'string', minLength: 1, maxLength: 128 } as const;
const text = { type: 'string', minLength: 1, maxLength: 200 } as const;
const isoTime = { type: 'string', format: 'date-time', maxLength: 40 } as const;
const limit = { type: 'integer', minimum: 1, maximum: 1000, default: 50 } as const;
const cursor = { type: 'string', minLength: 1, maxLength: 1024 } as const;

export const executeBody = {
  type: 'object',
  required: ['executionId', 'policyId', 'policyVersion', 'signals'],
  additionalProperties: false,
  properties: {
    executionId: id,
    policyId: id,
    policyVersion: { type: 'string', minLength: 1, maxLength: 64 },
    signals: { type: 'object' },
    requestedBy: text,
  },
} as const;

const attestationResponse = envelopeSchema;

export const executeResponse = {
  type: 'object',
  required: ['executionId', 'status', 'requires_override', 'action', 'ruleId', 'attestation'],
  properties: {
    executionId: { type: 'string' },
    status: { type: 'string', enum: ['completed', 'pending_override'] },
    requires_override: { type: 'boolean' },
    action: { type: 'string' },
    ruleId: { type: 'string' },
    attestation: attestationResponse,
  },
} as const;

export const rejectionResponse = {
  type: 'object',
  required: ['error', 'rejection'],
  properties: {
    error: errorSchema.properties.error,
    rejection: {
      type: 'object',
      required: ['executionId', 'attestation'],
      properties: { executionId: { type: 'string' }, attestation: attestationResponse },
    },
  },
} as const;

export const executionParams = {
  type: 'object',
  required: ['executionId'],
  additionalProperties: false,
  properties: { executionId: id },
} as const;

export const verifyBody = {
  type: 'object',
  required: ['attestation'],
  additionalProperties: false,
  properties: {
    attestation: { type: 'object' },
    /** Optional: the raw signals, to check the execution fingerprint too. */
    signals: { type: 'object' },
  },
} as const;

export const overrideBody = {
  type: 'object',
  required: ['executionId', 'approved', 'approvedBy', 'approverRole', 'reason'],
  additionalProperties: false,
  properties: {
    executionId: id,
    approved: { type: 'boolean' },
    approvedBy: text,
    approverRole: { type: 'string', enum: ['approver', 'admin'] },
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
  },
} as const;

const range = { from: isoTime, to: isoTime, limit } as const;

export const decisionsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    policyId: id,
    policyVersion: { type: 'string', minLength: 1, maxLength: 64 },
    action: { type: 'string', minLength: 1, maxLength: 64 },
    execution_state: { type: 'string', enum: ['completed', 'pending_override'] },
    ...range,
    cursor,
  },
} as const;

export const securityQuery = {
  type: 'object',
  additionalProperties: false,
  properties: range,
} as const;

export const securityEventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    event_type: { type: 'string', minLength: 1, maxLength: 64 },
    severity: { type: 'string', enum: ['low', 'medium', 'high', 'critical'] },
    ...range,
    cursor,
  },
} as const;

export const overridesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['pending', 'approved', 'rejected'] }, limit, cursor },
} as const;

export const verificationsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { valid: { type: 'boolean' }, executionId: id, ...range, cursor },
} as const;

export const apiCallsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    route: { type: 'string', minLength: 1, maxLength: 200 },
    status: { type: 'integer', minimum: 100, maximum: 599 },
    keyName: { type: 'string', minLength: 1, maxLength: 64 },
    ...range,
    cursor,
  },
} as const;

const treeSize = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const logKind = { type: 'string', enum: ['attestation', 'rejection', 'override'] } as const;

export const logEntryParams = {
  type: 'object',
  required: ['index'],
  additionalProperties: false,
  properties: { index: treeSize },
} as const;

export const inclusionProofQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { executionId: id, index: treeSize, treeSize: { ...treeSize, minimum: 1 }, kind: logKind },
} as const;

export const consistencyProofQuery = {
  type: 'object',
  required: ['from'],
  additionalProperties: false,
  properties: { from: treeSize, to: treeSize },
} as const;

export const monitorQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
} as const;

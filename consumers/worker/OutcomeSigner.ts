import type { AttestationDecision } from '../../core/attestation/AttestationBody.js';
import { buildAttestationBody, signAttestationAsync } from '../../core/attestation/buildAttestationBody.js';
import { executionFingerprint } from '../../core/attestation/executionFingerprint.js';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import { PAYLOAD_TYPES, signCanonicalAsync } from '../../core/dsse/Envelope.js';
import type { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { ResolvedPolicy } from './ports.js';
import { toAttestationRecord } from './toAttestationRecord.js';
import type { ExecutionRequestRecord, InboundRecord } from './records.js';

/** Facts about this runtime that every attestation carries. */
export interface RuntimeFacts {
  readonly trustRootVersion: number;
  readonly releaseManifestHash: string;
  readonly runtimeVersion: string;
}

/**
 * Builds the signed Avro records of outcomes. Everything signed is a pure function of the record, bundle and key.
 * Signing is asynchronous (a file key, an HSM or a KMS key): callers start a batch's signatures before awaiting them.
 */
export class OutcomeSigner {
  constructor(
    private readonly signer: SigningPort,
    private readonly runtime: RuntimeFacts,
  ) {}

  get keyId(): string {
    return this.signer.keyId;
  }

  fingerprint(policyId: string, policyVersion: string, signals: Readonly<Record<string, unknown>>): string {
    return executionFingerprint(policyId, policyVersion, signals);
  }

  attestation(
    record: InboundRecord,
    request: ExecutionRequestRecord,
    policy: ResolvedPolicy,
    signals: Readonly<Record<string, unknown>>,
    fingerprint: string,
    decision: AttestationDecision,
  ): Promise<object> {
    const body = buildAttestationBody({
      executionId: request.executionId,
      policyId: request.policyId,
      policyVersion: request.policyVersion,
      schemaVersion: policy.schemaVersion,
      signals,
      fingerprint,
      decision,
      bundleHash: policy.bundleHash,
      ...this.runtime,
      signerKeyId: this.signer.keyId,
      requestedAt: request.requestedAt,
      provenance: { topic: record.topic, partition: record.partition, offset: record.offset },
    });
    return signAttestationAsync(body, this.signer).then((signed) =>
      toAttestationRecord(body, signed, request.traceparent),
    );
  }

  async rejection(record: InboundRecord, request: ExecutionRequestRecord, error: ParmanaError): Promise<object> {
    const body = {
      rejectionVersion: '1',
      executionId: request.executionId,
      policyId: request.policyId,
      policyVersion: request.policyVersion,
      code: error.code,
      message: error.message,
      ...(error.path === undefined ? {} : { path: error.path }),
      requestedAt: request.requestedAt,
      signerKeyId: this.signer.keyId,
      runtimeVersion: this.runtime.runtimeVersion,
      provenance: { topic: record.topic, partition: record.partition, offset: record.offset },
    };
    const signed = await signCanonicalAsync(PAYLOAD_TYPES.rejection, body, this.signer);
    return {
      executionId: request.executionId,
      policyId: request.policyId,
      policyVersion: request.policyVersion,
      code: error.code,
      message: error.message,
      path: error.path ?? null,
      requestedAt: request.requestedAt,
      payloadType: PAYLOAD_TYPES.rejection,
      payload: signed.payload,
      signature: signed.signature.toString('base64'),
      signerKeyId: signed.keyId,
      traceparent: request.traceparent,
    };
  }
}

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseJsonStrict } from '../../../core/canonical/parseJsonStrict.js';
import { verifyAttestation } from '../../../core/attestation/verifyAttestation.js';
import { verifyBundleDir } from '../../../consumers/bundle/bundleDir.js';
import { loadTrustRoot } from '../../trust/trustFiles.js';
import { option, positional, requiredOption } from '../args.js';
import type { ConsistencyProofResponse, InclusionProofResponse } from '../../../api/contract.js';
import type { Envelope } from '../../../core/dsse/Envelope.js';
import { ParmanaError } from '../../../core/errors/ParmanaError.js';
import { verifyConsistencyFiles, verifyInclusionFile } from '../../log/verifyLogFiles.js';
import type { Command } from '../command.js';
import { guarded } from './trust.js';

const bundle: Command = {
  path: ['verify', 'bundle'],
  usage: 'verify bundle <dir> [--trust trust]',
  summary: 'Check every file hash, the bundle hash and the signature against the trust root',
  run: guarded((args, io) => {
    const dir = resolve(io.cwd, positional(args, 0, 'bundle folder'));
    const root = loadTrustRoot(resolve(io.cwd, option(args, '--trust') ?? 'trust'));
    const result = verifyBundleDir(dir, root, new Date().toISOString());
    for (const p of result.problems) io.stderr(`${p.code} ${p.path}: ${p.message}`);
    if (result.valid) io.stdout(`OK ${dir} bundle_hash ${String(result.bundleHash)}`);
    return result.valid ? 0 : 1;
  }),
};

const attestation: Command = {
  path: ['verify', 'attestation'],
  usage: 'verify attestation <file> [--trust trust] [--signals <file>]',
  summary: 'Verify a DSSE attestation envelope (JSON) against the trust root',
  run: guarded((args, io) => {
    const file = resolve(io.cwd, positional(args, 0, 'attestation file'));
    const root = loadTrustRoot(resolve(io.cwd, option(args, '--trust') ?? 'trust'));
    let envelope: unknown;
    try {
      envelope = parseJsonStrict(readFileSync(file, 'utf8'));
    } catch (err) {
      io.stderr(`ATT-001 ${file}: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
    const signalsFile = option(args, '--signals');
    const signals =
      signalsFile === undefined ? undefined : parseJsonStrict(readFileSync(resolve(io.cwd, signalsFile), 'utf8'));
    const result = verifyAttestation(envelope, root, signals === undefined ? {} : { signals });
    for (const [check, ok] of Object.entries(result.checks)) io.stdout(`${ok ? 'ok  ' : 'FAIL'} ${check}`);
    for (const r of result.reasons) io.stderr(`${r.code} ${r.message}`);
    io.stdout(result.valid ? 'VALID' : 'INVALID');
    return result.valid ? 0 : 1;
  }),
};

function readJson(file: string): unknown {
  try {
    return parseJsonStrict(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ParmanaError('LOG-015', { path: file, cause, detail: cause instanceof Error ? cause.message : '' });
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ParmanaError('LOG-015', { path: file, cause, detail: cause instanceof Error ? cause.message : '' });
  }
}

const inclusion: Command = {
  path: ['verify', 'inclusion'],
  usage: 'verify inclusion <attestation.json> --checkpoint <file> [--proof <proof.json>] [--trust trust] [--origin o]',
  summary: 'Offline: the signed outcome is in the log under the signed checkpoint (RFC 9162 inclusion proof)',
  run: guarded((args, io) => {
    const file = resolve(io.cwd, positional(args, 0, 'attestation or proof file'));
    const root = loadTrustRoot(resolve(io.cwd, option(args, '--trust') ?? 'trust'));
    const proofFile = option(args, '--proof');
    const main = readJson(file);
    // Either GET /log/proof/inclusion saved as is (envelope and proof in one file), or the envelope plus --proof.
    const proof = (
      proofFile === undefined ? main : readJson(resolve(io.cwd, proofFile))
    ) as Partial<InclusionProofResponse>;
    const envelope = (proofFile === undefined ? proof.envelope : main) as Envelope | undefined;
    const note = readText(resolve(io.cwd, requiredOption(args, '--checkpoint')));
    const origin = option(args, '--origin');
    const result = verifyInclusionFile(envelope, proof, note, root, {
      at: new Date().toISOString(),
      ...(origin === undefined ? {} : { origin }),
    });
    for (const line of result.lines) io.stdout(line);
    for (const p of result.problems) io.stderr(p);
    io.stdout(result.valid ? 'VALID' : 'INVALID');
    return result.valid ? 0 : 1;
  }),
};

const consistency: Command = {
  path: ['verify', 'consistency'],
  usage: 'verify consistency <old-checkpoint> <new-checkpoint> --proof <consistency.json> [--trust trust] [--origin o]',
  summary: 'Offline: the newer signed checkpoint extends the older one (RFC 9162 consistency proof)',
  run: guarded((args, io) => {
    const root = loadTrustRoot(resolve(io.cwd, option(args, '--trust') ?? 'trust'));
    const oldNote = readText(resolve(io.cwd, positional(args, 0, 'old checkpoint')));
    const newNote = readText(resolve(io.cwd, positional(args, 1, 'new checkpoint')));
    const proofFile = option(args, '--proof');
    const proof =
      proofFile === undefined
        ? { hashes: [] }
        : (readJson(resolve(io.cwd, proofFile)) as Partial<ConsistencyProofResponse>);
    const origin = option(args, '--origin');
    const result = verifyConsistencyFiles(oldNote, newNote, proof, root, {
      at: new Date().toISOString(),
      ...(origin === undefined ? {} : { origin }),
    });
    for (const line of result.lines) io.stdout(line);
    for (const p of result.problems) io.stderr(p);
    io.stdout(result.valid ? 'CONSISTENT' : 'INCONSISTENT');
    return result.valid ? 0 : 1;
  }),
};

/** `parmana verify bundle|attestation|inclusion|consistency`. */
export const verifyCommands: readonly Command[] = [bundle, attestation, inclusion, consistency];

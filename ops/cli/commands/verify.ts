import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseJsonStrict } from '../../../core/canonical/parseJsonStrict.js';
import { verifyAttestation } from '../../../core/attestation/verifyAttestation.js';
import { verifyBundleDir } from '../../bundle/bundleDir.js';
import { loadTrustRoot } from '../../trust/trustFiles.js';
import { option, positional } from '../args.js';
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

/** `parmana verify bundle|attestation`. */
export const verifyCommands: readonly Command[] = [bundle, attestation];

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import {
  buildManifestAsync,
  manifestText,
  MANIFEST_FILE,
  verifyBundle,
  type BundleVerification,
} from '../../core/bundle/BundleManifest.js';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';

/** Every file of a bundle folder (recursive, POSIX relative paths), manifest.json excluded. */
export function readBundleFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const rel = relative(dir, full).split(sep).join('/');
        if (rel !== MANIFEST_FILE) files.set(rel, readFileSync(full));
      }
    }
  };
  walk(dir);
  return files;
}

function readManifest(dir: string): string | undefined {
  const file = join(dir, MANIFEST_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export function verifyBundleDir(dir: string, root: TrustRoot, at: string): BundleVerification {
  if (!existsSync(dir)) {
    return {
      valid: false,
      bundleHash: undefined,
      problems: [{ code: 'BND-010', path: dir, message: 'Bundle not found' }],
    };
  }
  return verifyBundle(readBundleFiles(dir), readManifest(dir), root, at);
}

/**
 * Signs `policies/<id>/<version>/`. Unchanged content with a valid manifest is a no-op; a validly signed manifest
 * over different content is refused (BND-009): a published version never changes meaning.
 */
export async function buildBundleDir(
  dir: string,
  signer: SigningPort,
  root: TrustRoot,
  at: string,
): Promise<'built' | 'unchanged'> {
  const existing = readManifest(dir);
  if (existing !== undefined) {
    const check = verifyBundleDir(dir, root, at);
    if (check.valid) return 'unchanged';
    const contentOnly = check.problems.every((p) => ['BND-002', 'BND-003', 'BND-004'].includes(p.code));
    if (contentOnly)
      throw new ParmanaError('BND-009', {
        path: dir,
        detail: check.problems.map((p) => `${p.code} ${p.path}`).join(', '),
      });
  }
  const manifest = await buildManifestAsync(readBundleFiles(dir), basename(dirname(dir)), basename(dir), signer);
  writeFileSync(join(dir, MANIFEST_FILE), manifestText(manifest));
  return 'built';
}

/** Folders `policies/<id>/<version>/` that hold a policy.json. */
export function listBundleDirs(policiesDir: string): string[] {
  if (!existsSync(policiesDir)) return [];
  const out: string[] = [];
  for (const id of readdirSync(policiesDir, { withFileTypes: true })) {
    if (!id.isDirectory()) continue;
    for (const version of readdirSync(join(policiesDir, id.name), { withFileTypes: true })) {
      const dir = join(policiesDir, id.name, version.name);
      if (version.isDirectory() && existsSync(join(dir, 'policy.json'))) out.push(dir);
    }
  }
  return out.sort();
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashCanonical } from '../../core/hash/hashCanonical.js';
import { sha256Hex } from '../../core/hash/sha256.js';

/** runtimeVersion and releaseManifestHash: the package version and a hash pinning the exact dependency tree. */
export function runtimeFacts(root: string): { runtimeVersion: string; releaseManifestHash: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const lock = sha256Hex(readFileSync(join(root, 'package-lock.json')));
  return {
    runtimeVersion: `${pkg.name}@${pkg.version}`,
    releaseManifestHash: hashCanonical({ name: pkg.name, version: pkg.version, lockfileSha256: lock }),
  };
}

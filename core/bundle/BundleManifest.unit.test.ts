import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEED_1, SEED_2, SEED_3, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import { buildManifest, manifestText, verifyBundle } from './BundleManifest.js';

const bundleKey = signerFromSeed(SEED_2);
const attestationKey = signerFromSeed(SEED_1);
const stranger = signerFromSeed(SEED_3);
const root = trustRoot(1, [
  { signer: bundleKey, purposes: ['bundle-signing'] },
  { signer: attestationKey, purposes: ['attestation-signing'] },
]);
const NOW = '2026-06-01T00:00:00Z';

const files = (): Map<string, Buffer> =>
  new Map([
    ['policy.json', Buffer.from('{"policyId":"p"}')],
    ['tests.json', Buffer.from('{"cases":[]}')],
    ['docs/notes.md', Buffer.from('# notes')],
  ]);
const manifest = manifestText(buildManifest(files(), 'p', '1.0.0', bundleKey));
const codes = (f: Map<string, Buffer>, m: string | undefined, r = root, at = NOW): string[] =>
  verifyBundle(f, m, r, at).problems.map((p) => `${p.code} ${p.path}`);

describe('signed bundles', () => {
  it('verify when untouched, with a stable bundle_hash', () => {
    const result = verifyBundle(files(), manifest, root, NOW);
    expect(result.valid).toBe(true);
    expect(result.bundleHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifestText(buildManifest(files(), 'p', '1.0.0', bundleKey))).toBe(manifest);
  });

  it.each(['policy.json', 'tests.json', 'docs/notes.md'])('detect a change to %s', (path) => {
    const f = files();
    f.set(path, Buffer.concat([f.get(path) ?? Buffer.alloc(0), Buffer.from(' ')]));
    expect(codes(f, manifest)).toEqual([`BND-002 ${path}`]);
  });

  it.each(['policy.json', 'tests.json', 'docs/notes.md'])('detect removal of %s', (path) => {
    const f = files();
    f.delete(path);
    expect(codes(f, manifest)).toEqual([`BND-004 ${path}`]);
  });

  it('detects an added file', () => {
    const f = files();
    f.set('extra.json', Buffer.from('{}'));
    expect(codes(f, manifest)).toEqual(['BND-003 extra.json']);
  });

  it('detects an edited bundle_hash and a forged signature', () => {
    const m = JSON.parse(manifest) as Record<string, unknown>;
    expect(codes(files(), JSON.stringify({ ...m, bundle_hash: '0'.repeat(64) }))).toEqual([
      'BND-005 $.bundle_hash',
      'BND-006 $.signature',
    ]);
    expect(codes(files(), JSON.stringify({ ...m, signature: Buffer.alloc(64).toString('base64') }))).toEqual([
      'BND-006 $.signature',
    ]);
  });

  it('refuses the wrong key, an unknown key, an expired and a revoked key', () => {
    expect(codes(files(), manifestText(buildManifest(files(), 'p', '1.0.0', attestationKey)))).toEqual([
      'BND-007 $.signerKeyId',
    ]);
    expect(codes(files(), manifestText(buildManifest(files(), 'p', '1.0.0', stranger)))).toEqual([
      'BND-007 $.signerKeyId',
    ]);
    expect(codes(files(), manifest, root, '2031-01-01T00:00:00Z')).toEqual(['BND-008 $.signerKeyId']);
    const revoked = trustRoot(2, [
      { signer: bundleKey, purposes: ['bundle-signing'], revokedAt: '2026-01-01T00:00:00Z' },
    ]);
    expect(codes(files(), manifest, revoked)).toEqual(['BND-008 $.signerKeyId']);
  });

  it('names the malformed part of a manifest', () => {
    const m = JSON.parse(manifest) as Record<string, unknown>;
    expect(codes(files(), undefined)).toEqual(['BND-001 manifest.json']);
    expect(codes(files(), '{not json')).toEqual(['BND-001 manifest.json']);
    expect(codes(files(), JSON.stringify({ ...m, manifestVersion: '2' }))).toEqual(['BND-001 $.manifestVersion']);
    expect(codes(files(), JSON.stringify({ ...m, signature: 5 }))).toEqual(['BND-001 $.signature']);
    expect(codes(files(), JSON.stringify({ ...m, extra: 1 }))).toEqual(['BND-001 $.extra']);
    expect(codes(files(), JSON.stringify({ ...m, files: { 'policy.json': 'xyz' } }))).toEqual([
      'BND-001 $.files["policy.json"]',
    ]);
  });

  it('never throws on hostile manifests', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          expect(verifyBundle(files(), text, root, NOW).valid).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

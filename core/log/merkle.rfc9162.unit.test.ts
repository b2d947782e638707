import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactRange } from './CompactRange.js';
import { EMPTY_ROOT, leafHash, nodeHash } from './merkleHashes.js';
import { MemoryMerkleTree } from './MemoryMerkleTree.js';
import { rootFromInclusionProof, verifyInclusion } from './verifyInclusion.js';
import { checkConsistency, verifyConsistency } from './verifyConsistency.js';
import { splitPoint } from './rangeSubtrees.js';

// Reference implementation written straight from RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 (recursive, over the
// entries themselves): the production code plans proofs over stored subtrees instead, and must agree with it.
function mth(d: readonly Buffer[]): Buffer {
  if (d.length === 0) return EMPTY_ROOT;
  if (d.length === 1) return leafHash(d[0] as Buffer);
  const k = splitPoint(d.length);
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}

function path(m: number, d: readonly Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const k = splitPoint(d.length);
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

function subproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = splitPoint(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

const entry = (i: number): Buffer => Buffer.from(`parmana log test entry ${i}`, 'utf8');
const MAX = 64;
const ENTRIES = Array.from({ length: MAX }, (_, i) => entry(i));
const TREE = new MemoryMerkleTree();
for (const e of ENTRIES) TREE.append(leafHash(e));
const ROOTS = Array.from({ length: MAX + 1 }, (_, n) => mth(ENTRIES.slice(0, n)));

// RFC 6962 / RFC 9162 reference data published by Certificate Transparency (leaves, roots of sizes 1..8, two
// inclusion proofs and a consistency proof): an independent check that the hashing is the standard one.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const hex = (bs: readonly Buffer[]): string[] => bs.map((b) => b.toString('hex'));

function flipEachByte(proof: readonly Buffer[], check: (p: Buffer[]) => boolean): number {
  let accepted = 0;
  for (let e = 0; e < proof.length; e++) {
    for (let byte = 0; byte < 32; byte++) {
      const bad = proof.map((p) => Buffer.from(p));
      const flipped = bad[e] as Buffer;
      flipped[byte] = (flipped[byte] ?? 0) ^ 0x01;
      if (check(bad)) accepted++;
    }
  }
  return accepted;
}

describe('RFC 9162 Merkle tree', () => {
  it('matches the Certificate Transparency reference roots and proofs', () => {
    const t = new MemoryMerkleTree();
    for (const l of CT_LEAVES) t.append(leafHash(Buffer.from(l, 'hex')));
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(CT_ROOTS.map((_, i) => t.root(i + 1).toString('hex'))).toEqual(CT_ROOTS);
    expect(hex(t.inclusionProof(0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(t.inclusionProof(5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(t.consistencyProof(2, 5))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });

  it('roots, inclusion proofs (every index) and consistency proofs (every pair) of sizes 1-64 equal the RFC definitions', () => {
    const digest = createHash('sha256');
    for (let n = 1; n <= MAX; n++) {
      const d = ENTRIES.slice(0, n);
      expect(TREE.root(n).equals(ROOTS[n] as Buffer), `root ${n}`).toBe(true);
      digest.update(TREE.root(n));
      for (let m = 0; m < n; m++) {
        const proof = TREE.inclusionProof(m, n);
        expect(hex(proof), `inclusion ${m}/${n}`).toEqual(hex(path(m, d)));
        expect(verifyInclusion(m, n, leafHash(entry(m)), proof, ROOTS[n] as Buffer)).toBe(true);
        for (const p of proof) digest.update(p);
      }
      for (let m = 1; m <= n; m++) {
        const proof = TREE.consistencyProof(m, n);
        expect(hex(proof), `consistency ${m}->${n}`).toEqual(hex(m === n ? [] : subproof(m, d, true)));
        expect(verifyConsistency(m, n, ROOTS[m] as Buffer, ROOTS[n] as Buffer, proof)).toBe(true);
        for (const p of proof) digest.update(p);
      }
    }
    // Pinned: every root and proof above, in order. A change of hashing, split or proof order changes it.
    expect(digest.digest('hex')).toBe('5ee95368fa489b6a2b47164c2ea6d3d9fc1cba04f026d6000a2fcc18c1749b7d');
  });

  it('refuses every inclusion proof with one byte flipped, a wrong size, a wrong index or a wrong length', () => {
    for (let n = 1; n <= MAX; n++) {
      const root = ROOTS[n] as Buffer;
      for (let m = 0; m < n; m++) {
        const leaf = leafHash(entry(m));
        const proof = TREE.inclusionProof(m, n);
        if (n <= 32)
          expect(
            flipEachByte(proof, (p) => verifyInclusion(m, n, leaf, p, root)),
            `${m}/${n}`,
          ).toBe(0);
        for (let other = 1; other <= MAX; other++) {
          if (other !== n && m < other)
            expect(verifyInclusion(m, other, leaf, proof, ROOTS[other] as Buffer)).toBe(false);
        }
        for (let j = 0; j < n; j++) if (j !== m) expect(verifyInclusion(j, n, leaf, proof, root)).toBe(false);
        expect(verifyInclusion(m, n, leafHash(entry(m + 1000)), proof, root)).toBe(false);
        if (proof.length > 0) {
          expect(verifyInclusion(m, n, leaf, proof.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(m, n, leaf, proof.slice(1), root)).toBe(false);
          expect(
            verifyInclusion(m, n, leaf, [...proof.slice(0, -1), proof.at(-1)?.subarray(0, 31) as Buffer], root),
          ).toBe(false);
        }
        expect(verifyInclusion(m, n, leaf, [...proof, root], root)).toBe(false);
        expect(verifyInclusion(m, n, leaf, proof, ROOTS[n - 1] as Buffer)).toBe(false);
      }
      expect(verifyInclusion(n, n, leafHash(entry(0)), [], root)).toBe(false);
      expect(verifyInclusion(-1, n, leafHash(entry(0)), [], root)).toBe(false);
    }
  }, 60_000);

  it('refuses every consistency proof with one byte flipped, wrong sizes, wrong roots or a wrong length', () => {
    for (let n = 2; n <= MAX; n++) {
      for (let m = 1; m < n; m++) {
        const proof = TREE.consistencyProof(m, n);
        const [oldRoot, newRoot] = [ROOTS[m] as Buffer, ROOTS[n] as Buffer];
        if (n <= 24)
          expect(
            flipEachByte(proof, (p) => verifyConsistency(m, n, oldRoot, newRoot, p)),
            `${m}->${n}`,
          ).toBe(0);
        expect(verifyConsistency(m, n, ROOTS[m - 1] as Buffer, newRoot, proof)).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, ROOTS[n - 1] as Buffer, proof)).toBe(false);
        if (n < MAX) expect(verifyConsistency(m, n + 1, oldRoot, ROOTS[n + 1] as Buffer, proof)).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, ROOTS[m - 1] as Buffer, newRoot, proof)).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1))).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(1))).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, newRoot, [...proof, newRoot])).toBe(false);
        expect(verifyConsistency(n, m, newRoot, oldRoot, proof)).toBe(false);
      }
    }
    expect(() => {
      checkConsistency(3, 3, ROOTS[3] as Buffer, ROOTS[4] as Buffer, []);
    }).toThrow(/LOG-008/);
    expect(() => {
      checkConsistency(4, 3, ROOTS[4] as Buffer, ROOTS[3] as Buffer, []);
    }).toThrow(/LOG-009/);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, ROOTS[5] as Buffer, [])).toBe(true);
  }, 60_000);

  it('reports why an inclusion proof is unusable', () => {
    const leaf = leafHash(entry(3));
    expect(() => rootFromInclusionProof(9, 9, leaf, [])).toThrow(/LOG-007/);
    expect(() => rootFromInclusionProof(3, 9, leaf, [Buffer.alloc(31)])).toThrow(/LOG-006/);
    expect(() => rootFromInclusionProof(3, 9, leaf, [])).toThrow(/LOG-006/);
  });

  it('property: a compact range appended leaf by leaf has the RFC root and the nodes every proof needs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 700 }), fc.nat(), fc.nat(), (n, a, b) => {
        const d = Array.from({ length: n }, (_, i) => Buffer.from(`p${i}-${n}`));
        const range = new CompactRange();
        const tree = new MemoryMerkleTree();
        for (const e of d) {
          range.append(leafHash(e));
          tree.append(leafHash(e));
        }
        expect(range.root().equals(mth(d))).toBe(true);
        // A range rebuilt from its stored edge (what a restarted writer does) continues identically.
        const resumed = new CompactRange(range.size, range.edge());
        const extra = leafHash(Buffer.from('next'));
        resumed.append(extra);
        tree.append(extra);
        expect(resumed.root().equals(tree.root())).toBe(true);
        if (n === 0) return;
        const m = a % n;
        expect(verifyInclusion(m, n, leafHash(d[m] as Buffer), tree.inclusionProof(m, n), mth(d))).toBe(true);
        const from = 1 + (b % n);
        expect(verifyConsistency(from, n + 1, tree.root(from), tree.root(), tree.consistencyProof(from))).toBe(true);
      }),
      { numRuns: 150, seed: 14 },
    );
  });

  it('property: a proof of another leaf or with a random hash swapped in never verifies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.nat(),
        fc.nat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (n, a, b, junk) => {
          const tree = new MemoryMerkleTree();
          for (let i = 0; i < n; i++) tree.append(leafHash(entry(i)));
          const m = a % n;
          const proof = tree.inclusionProof(m, n);
          expect(verifyInclusion(m, n, leafHash(entry((m + 1) % n)), proof, tree.root())).toBe(false);
          const swapped = proof.map((p, i) => (i === b % proof.length ? Buffer.from(junk) : p));
          expect(verifyInclusion(m, n, leafHash(entry(m)), swapped, tree.root())).toBe(false);
        },
      ),
      { numRuns: 150, seed: 9162 },
    );
  });
});

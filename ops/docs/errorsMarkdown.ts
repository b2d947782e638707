import { CODE_TABLES } from '../../core/errors/registry.js';

const AREA_TITLES: Readonly<Record<string, string>> = {
  CAN: 'Canonical JSON',
  POL: 'Policy compiler and evaluation',
  VAL: 'Signal validation',
  BND: 'Policy bundles',
  TRU: 'Trust root and keys',
  ATT: 'Attestations and signed records',
  INV: 'Replay invariants and the replay store',
  REQ: 'Execution request envelope',
  API: 'HTTP API',
  KAF: 'Kafka client port',
  REG: 'Schema registry',
  LOG: 'Transparency log, checkpoints, proofs and re-derivation',
  SIG: 'External signers: signer settings, PKCS#11 tokens, AWS KMS keys',
  CRD: 'Credentials and privileges',
};

/** docs/errors.md, generated from the code registry so the two cannot drift (a unit test compares them). */
export function errorsMarkdown(): string {
  const lines = [
    '# Error codes',
    '',
    'Generated from `core/errors/registry.ts` by `npm run docs:errors`; do not edit by hand.',
    'Every error the product raises carries one of these stable codes. `retriable: yes` means the same input may',
    'succeed later (a dependency was unavailable): consumers retry it. `no` means the input itself is wrong: it is',
    'rejected (or dead-lettered) with this code.',
    '',
  ];
  for (const [area, table] of Object.entries(CODE_TABLES)) {
    lines.push(`## ${area}: ${AREA_TITLES[area] ?? area}`, '', '| code | message | retriable |', '| --- | --- | --- |');
    for (const [code, entry] of Object.entries(table)) {
      lines.push(`| \`${code}\` | ${entry.message.replace(/\|/g, '\\|')} | ${entry.retriable ? 'yes' : 'no'} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** `trust add-key` arguments for a key on a test token, valid 2020–2099, into `dir`'s trust root. */
export function trustAddKeyArgs(o: { rootKey: string; signer: string; purpose: string; dir: string }): string[] {
  return [
    'trust',
    'add-key',
    '--root-key',
    o.rootKey,
    '--signer',
    o.signer,
    '--purpose',
    o.purpose,
    '--not-before',
    '2020-01-01T00:00:00Z',
    '--not-after',
    '2099-01-01T00:00:00Z',
    '--dir',
    o.dir,
  ];
}

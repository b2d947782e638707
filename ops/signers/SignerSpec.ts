import { isAbsolute, resolve } from 'node:path';
import { ParmanaError } from '../../core/errors/ParmanaError.js';

/** A PEM key file (today's behaviour). */
export interface FileSignerSpec {
  readonly kind: 'file';
  readonly path: string;
}

/** A private key on a PKCS#11 token, named by an RFC 7512 URI. */
export interface Pkcs11SignerSpec {
  readonly kind: 'pkcs11';
  readonly modulePath: string;
  readonly tokenLabel: string;
  /** CKA_LABEL of the key; at least one of label and id is given. */
  readonly objectLabel?: string;
  /** CKA_ID of the key (raw bytes). */
  readonly objectId?: Buffer;
  /** File holding the user PIN (mode 0600); the PIN itself never appears in a setting, an argument or a log. */
  readonly pinFile: string;
}

/** An AWS KMS key (id, ARN or alias), optionally at another endpoint (a local stand-in). */
export interface AwsKmsSignerSpec {
  readonly kind: 'awskms';
  readonly keyId: string;
  readonly endpoint?: string;
  readonly region?: string;
}

export type SignerSpec = FileSignerSpec | Pkcs11SignerSpec | AwsKmsSignerSpec;

function malformed(setting: string, detail: string): ParmanaError {
  // The setting never carries a secret (pin-value is refused), so it may be quoted.
  return new ParmanaError('SIG-001', { path: setting, detail });
}

function percentDecode(setting: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw malformed(setting, `bad percent-encoding in ${JSON.stringify(value)}`);
  }
}

/** A percent-encoded attribute as raw bytes (CKA_ID is binary, not UTF-8). */
function percentDecodeBytes(setting: string, value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '%') {
      out.push(...Buffer.from(value[i] ?? '', 'utf8'));
      continue;
    }
    const hex = value.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/iu.test(hex)) throw malformed(setting, `bad percent-encoding in ${JSON.stringify(value)}`);
    out.push(parseInt(hex, 16));
    i += 2;
  }
  return Buffer.from(out);
}

function attributes(setting: string, text: string, separator: string): Map<string, string> {
  const out = new Map<string, string>();
  if (text === '') return out;
  for (const part of text.split(separator)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw malformed(setting, `attribute ${JSON.stringify(part)} is not name=value`);
    const name = part.slice(0, eq).toLowerCase();
    if (out.has(name)) throw malformed(setting, `attribute ${name} given twice`);
    out.set(name, part.slice(eq + 1));
  }
  return out;
}

const PATH_ATTRIBUTES = new Set(['token', 'object', 'id', 'type']);
const QUERY_ATTRIBUTES = new Set(['module-path', 'pin-source']);

function parsePkcs11(setting: string, rest: string, cwd: string): Pkcs11SignerSpec {
  const q = rest.indexOf('?');
  const path = attributes(setting, q < 0 ? rest : rest.slice(0, q), ';');
  const query = attributes(setting, q < 0 ? '' : rest.slice(q + 1), '&');
  if (query.has('pin-value')) throw malformed(setting, 'pin-value is refused: give the PIN in a file (pin-source)');
  for (const name of path.keys()) if (!PATH_ATTRIBUTES.has(name)) throw malformed(setting, `unsupported ${name}`);
  for (const name of query.keys()) if (!QUERY_ATTRIBUTES.has(name)) throw malformed(setting, `unsupported ${name}`);
  const type = path.get('type');
  if (type !== undefined && type !== 'private') throw malformed(setting, 'type must be private');
  const token = path.get('token');
  if (token === undefined || token === '') throw malformed(setting, 'token=<label> is required');
  const object = path.get('object');
  const id = path.get('id');
  if (object === undefined && id === undefined) throw malformed(setting, 'object=<label> or id=<bytes> is required');
  const modulePath = query.get('module-path');
  if (modulePath === undefined || modulePath === '') throw malformed(setting, 'module-path=<library> is required');
  const pinSource = query.get('pin-source');
  if (pinSource === undefined || pinSource === '') throw malformed(setting, 'pin-source=file:<path> is required');
  const pinPath = percentDecode(setting, pinSource).replace(/^file:(\/\/)?/u, '');
  if (pinPath === '' || /^[a-z][a-z0-9+.-]*:/iu.test(pinPath)) throw malformed(setting, 'pin-source must be a file');
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  return {
    kind: 'pkcs11',
    modulePath: abs(percentDecode(setting, modulePath)),
    tokenLabel: percentDecode(setting, token),
    ...(object === undefined ? {} : { objectLabel: percentDecode(setting, object) }),
    ...(id === undefined ? {} : { objectId: percentDecodeBytes(setting, id) }),
    pinFile: abs(pinPath),
  };
}

// Sigstore's form: awskms://[endpoint]/[key id, ARN or alias]; an empty endpoint means AWS itself.
function parseAwsKms(setting: string, rest: string): AwsKmsSignerSpec {
  if (!rest.startsWith('//')) throw malformed(setting, 'expected awskms:///<key id, ARN or alias>');
  const slash = rest.indexOf('/', 2);
  if (slash < 0) throw malformed(setting, 'expected awskms://[endpoint]/<key id, ARN or alias>');
  const host = rest.slice(2, slash);
  const keyId = percentDecode(setting, rest.slice(slash + 1));
  if (keyId === '') throw malformed(setting, 'the key id, ARN or alias is missing');
  const alias = /^alias\/[A-Za-z0-9/_-]+$/u.test(keyId);
  const arn = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/u.exec(keyId);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u.test(keyId);
  if (!alias && arn === null && !uuid) throw malformed(setting, 'not a KMS key id, key ARN or alias');
  let endpoint: string | undefined;
  if (host !== '') {
    if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/u.test(host)) throw malformed(setting, `bad endpoint ${JSON.stringify(host)}`);
    // Plain HTTP only to this machine (a local stand-in); anything else is HTTPS.
    const local = /^(127\.0\.0\.1|localhost)(:\d+)?$/u.test(host);
    endpoint = `${local ? 'http' : 'https'}://${host}`;
  }
  const region = arn?.[1];
  return {
    kind: 'awskms',
    keyId,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(region === undefined ? {} : { region }),
  };
}

/**
 * Parses a key role's signer setting: `file:<pem>` or a plain path, `pkcs11:<RFC 7512 URI>` or
 * `awskms://[endpoint]/<key id, ARN or alias>`. Anything else stops start-up (SIG-001).
 */
export function parseSignerSpec(setting: string, cwd: string): SignerSpec {
  const raw = setting.trim();
  if (raw === '') throw malformed('(unset)', 'no signer given');
  const scheme = /^([a-z][a-z0-9+.-]*):/iu.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'file', path: isAbsolute(raw) ? raw : resolve(cwd, raw) };
  const rest = raw.slice(scheme.length + 1);
  if (scheme === 'file') {
    const path = rest.replace(/^\/\//u, '');
    if (path === '') throw malformed(raw, 'file: needs a path');
    return { kind: 'file', path: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  if (scheme === 'pkcs11') return parsePkcs11(raw, rest, cwd);
  if (scheme === 'awskms') return parseAwsKms(raw, rest);
  throw malformed(raw, `unknown scheme ${scheme}: (use file:, pkcs11: or awskms:)`);
}

import pkcs11js from 'pkcs11js';
import { ecPointToRaw } from '../../../core/crypto/ecPointToRaw.js';
import { keyIdOf } from '../../../core/crypto/ed25519Keys.js';
import type { SigningPort } from '../../../core/crypto/SigningPort.js';
import { verifyEd25519 } from '../../../core/crypto/verifyEd25519.js';
import { isParmanaError, ParmanaError } from '../../../core/errors/ParmanaError.js';
import type { Pkcs11SignerSpec } from '../SignerSpec.js';
import { readPinFile } from '../readPinFile.js';
import { CKK_EC_EDWARDS, CKM_EDDSA } from './pkcs11Constants.js';
import { Pkcs11Module } from './Pkcs11Module.js';

const { CKA_CLASS, CKA_EC_POINT, CKA_ID, CKA_KEY_TYPE, CKA_LABEL, CKA_SIGN, CKF_SERIAL_SESSION, CKF_SIGN } = pkcs11js;
const { CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKR_USER_ALREADY_LOGGED_IN, CKR_PIN_INCORRECT, CKR_PIN_LOCKED, CKU_USER } =
  pkcs11js;

/** Sessions signing at the same time: one PKCS#11 session runs one operation at a time. */
const DEFAULT_SESSIONS = 4;
const PROBE = Buffer.from('parmana pkcs11 start-up probe', 'utf8');

// pkcs11js returns attribute values as raw bytes: a CK_BBOOL is one byte.
const isTrue = (value: unknown): boolean => (Buffer.isBuffer(value) ? value[0] === 1 : value === true);

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Signs with an Ed25519 private key held by a PKCS#11 token (SoftHSM2 in the local stack and tests). At start: the
 * token by label, login with the PIN from its file, exactly one CKK_EC_EDWARDS private key by label or id, its
 * public key (CKA_EC_POINT of the matching public key object), CKM_EDDSA with CKF_SIGN, and one probe signature
 * that must verify. Each signature runs in its own session off the event loop (C_SignAsync, single part) and is
 * verified with the public key before it is returned; a failed device yields SIG-011 and signs nothing. After a
 * failure the next signature opens new sessions and logs in again, so a device that comes back is used again.
 */
export class Pkcs11Signer implements SigningPort {
  readonly keyId: string;
  readonly publicKeyRaw: Uint8Array;
  private readonly idle: Buffer[] = [];
  private readonly waiters: { resolve: (session: Buffer) => void; reject: (err: unknown) => void }[] = [];
  private open = 0;
  private key: Buffer;
  private slot: Buffer;
  private closed = false;

  private constructor(
    private readonly spec: Pkcs11SignerSpec,
    private readonly module: Pkcs11Module,
    private readonly maxSessions: number,
    first: { slot: Buffer; session: Buffer; key: Buffer; publicKeyRaw: Uint8Array },
  ) {
    this.slot = first.slot;
    this.key = first.key;
    this.publicKeyRaw = first.publicKeyRaw;
    this.keyId = keyIdOf(first.publicKeyRaw);
    this.idle.push(first.session);
    this.open = 1;
  }

  /** Opens the token and checks the key; any problem is a coded start-up error and nothing is signed. */
  static async open(spec: Pkcs11SignerSpec, options: { sessions?: number } = {}): Promise<Pkcs11Signer> {
    const module = Pkcs11Module.open(spec.modulePath);
    let signer: Pkcs11Signer | undefined;
    try {
      const slot = module.slotOf(spec.tokenLabel);
      const info = module.lib.C_GetMechanismInfo(slot, CKM_EDDSA);
      if ((info.flags & CKF_SIGN) === 0) throw new ParmanaError('SIG-009', { detail: `token ${spec.tokenLabel}` });
      const session = Pkcs11Signer.login(module, slot, spec);
      const { key, publicKeyRaw } = Pkcs11Signer.locate(module.lib, session, spec);
      signer = new Pkcs11Signer(spec, module, options.sessions ?? DEFAULT_SESSIONS, {
        slot,
        session,
        key,
        publicKeyRaw,
      });
      // Proves the private key belongs to the public key read (a mismatched pair would sign unverifiable outcomes).
      await signer.signAsync(PROBE);
      return signer;
    } catch (err) {
      if (signer === undefined) module.release();
      else signer.close();
      if (isParmanaError(err)) throw err;
      if (err instanceof Error && /CKR_MECHANISM_INVALID/u.test(err.message))
        throw new ParmanaError('SIG-009', { cause: err, detail: describe(err) });
      throw new ParmanaError('SIG-002', { path: spec.modulePath, cause: err, detail: describe(err) });
    }
  }

  private static login(module: Pkcs11Module, slot: Buffer, spec: Pkcs11SignerSpec): Buffer {
    const session = module.lib.C_OpenSession(slot, CKF_SERIAL_SESSION);
    try {
      module.lib.C_Login(session, CKU_USER, readPinFile(spec.pinFile));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === CKR_USER_ALREADY_LOGGED_IN) return session;
      module.lib.C_CloseSession(session);
      if (isParmanaError(err)) throw err;
      if (code === CKR_PIN_INCORRECT || code === CKR_PIN_LOCKED)
        throw new ParmanaError('SIG-005', { path: spec.tokenLabel, detail: describe(err) });
      throw new ParmanaError('SIG-005', { path: spec.tokenLabel, cause: err, detail: describe(err) });
    }
    return session;
  }

  private static find(lib: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
    lib.C_FindObjectsInit(session, template);
    try {
      // Two are enough to tell "exactly one" from "more than one".
      return lib.C_FindObjects(session, 2);
    } finally {
      lib.C_FindObjectsFinal(session);
    }
  }

  private static locate(
    lib: pkcs11js.PKCS11,
    session: Buffer,
    spec: Pkcs11SignerSpec,
  ): { key: Buffer; publicKeyRaw: Uint8Array } {
    const naming: pkcs11js.Template = [
      ...(spec.objectLabel === undefined ? [] : [{ type: CKA_LABEL, value: spec.objectLabel }]),
      ...(spec.objectId === undefined ? [] : [{ type: CKA_ID, value: spec.objectId }]),
    ];
    const what = `token ${spec.tokenLabel}, ${spec.objectLabel === undefined ? '' : `object ${spec.objectLabel}`}${
      spec.objectId === undefined ? '' : ` id ${spec.objectId.toString('hex')}`
    }`;
    const keys = Pkcs11Signer.find(lib, session, [
      { type: CKA_CLASS, value: CKO_PRIVATE_KEY },
      { type: CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
      ...naming,
    ]);
    const key = keys[0];
    if (key === undefined) throw new ParmanaError('SIG-006', { detail: what });
    if (keys.length > 1) throw new ParmanaError('SIG-007', { detail: what });
    const [sign, id] = lib.C_GetAttributeValue(session, key, [{ type: CKA_SIGN }, { type: CKA_ID }]);
    if (!isTrue(sign?.value)) throw new ParmanaError('SIG-008', { detail: `${what}: CKA_SIGN is false` });
    // The public half: the public key object with the same id (or the same label when the key has no id).
    const idValue = id?.value;
    const publicNaming = Buffer.isBuffer(idValue) && idValue.length > 0 ? [{ type: CKA_ID, value: idValue }] : naming;
    const publics = Pkcs11Signer.find(lib, session, [
      { type: CKA_CLASS, value: CKO_PUBLIC_KEY },
      { type: CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
      ...publicNaming,
    ]);
    const pub = publics[0];
    if (pub === undefined || publics.length > 1)
      throw new ParmanaError('SIG-008', { detail: `${what}: ${publics.length} matching public key objects` });
    const point = lib.C_GetAttributeValue(session, pub, [{ type: CKA_EC_POINT }])[0]?.value;
    const raw = Buffer.isBuffer(point) ? ecPointToRaw(point) : undefined;
    if (raw === undefined) throw new ParmanaError('SIG-008', { detail: `${what}: CKA_EC_POINT is not an Ed25519 key` });
    return { key, publicKeyRaw: raw };
  }

  async signAsync(message: Uint8Array): Promise<Uint8Array> {
    const session = await this.acquire();
    let signature: Buffer;
    try {
      this.module.lib.C_SignInit(session, { mechanism: CKM_EDDSA }, this.key);
      signature = await this.module.lib.C_SignAsync(session, Buffer.from(message), Buffer.alloc(64));
    } catch (err) {
      this.discard(session);
      throw new ParmanaError('SIG-011', { path: this.spec.tokenLabel, cause: err, detail: describe(err) });
    }
    this.release(session);
    if (!verifyEd25519(this.publicKeyRaw, message, signature))
      throw new ParmanaError('SIG-012', { path: this.spec.tokenLabel, detail: `key ${this.keyId}` });
    return signature;
  }

  /** Closes this signer's sessions and its share of the library. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const session of this.idle.splice(0)) {
      try {
        this.module.lib.C_CloseSession(session);
      } catch {
        // The device may be gone; the library is released below either way.
      }
    }
    this.module.release();
  }

  private acquire(): Promise<Buffer> {
    if (this.closed) return Promise.reject(new ParmanaError('SIG-011', { detail: 'signer closed' }));
    const session = this.idle.pop();
    if (session !== undefined) return Promise.resolve(session);
    if (this.open < this.maxSessions) {
      try {
        const opened = this.reopen();
        this.open += 1;
        return Promise.resolve(opened);
      } catch (err) {
        return Promise.reject(
          isParmanaError(err) && err.code === 'SIG-011'
            ? err
            : new ParmanaError('SIG-011', { path: this.spec.tokenLabel, cause: err, detail: describe(err) }),
        );
      }
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * A new session. After a failure (no session left) the token is looked up and logged into again, and the key must
   * still be the one whose id the trust root lists.
   */
  private reopen(): Buffer {
    const lib = this.module.lib;
    if (this.open > 0) return lib.C_OpenSession(this.slot, CKF_SERIAL_SESSION);
    this.slot = this.module.slotOf(this.spec.tokenLabel);
    const session = Pkcs11Signer.login(this.module, this.slot, this.spec);
    try {
      const { key, publicKeyRaw } = Pkcs11Signer.locate(lib, session, this.spec);
      if (keyIdOf(publicKeyRaw) !== this.keyId)
        throw new ParmanaError('SIG-011', { detail: `key changed to ${keyIdOf(publicKeyRaw)}` });
      this.key = key;
      return session;
    } catch (err) {
      lib.C_CloseSession(session);
      throw err;
    }
  }

  private release(session: Buffer): void {
    const next = this.waiters.shift();
    if (next !== undefined) next.resolve(session);
    else this.idle.push(session);
  }

  private discard(session: Buffer): void {
    try {
      this.module.lib.C_CloseSession(session);
    } catch {
      // Already invalid: that is why it is discarded.
    }
    this.open -= 1;
    // Sessions opened before the failure are suspect too: close them so the next signature starts afresh.
    for (const other of this.idle.splice(0)) {
      try {
        this.module.lib.C_CloseSession(other);
      } catch {
        // Same.
      }
      this.open -= 1;
    }
    // Waiters get a fresh session each (or the failure of opening one).
    for (const waiter of this.waiters.splice(0)) this.acquire().then(waiter.resolve, waiter.reject);
  }
}

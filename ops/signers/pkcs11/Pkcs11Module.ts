import pkcs11js from 'pkcs11js';
import { ParmanaError } from '../../../core/errors/ParmanaError.js';

interface Loaded {
  readonly lib: pkcs11js.PKCS11;
  users: number;
}

// A PKCS#11 library is initialised once per process: two C_Initialize calls on it fail, and one C_Finalize ends
// every session of every user. Signers of the same library share one loaded instance, finalised with the last.
const loaded = new Map<string, Loaded>();

// Token labels are 32 bytes padded with blanks (some libraries pad with NULs).
const labelOf = (raw: string): string => raw.replace(/[\s\0]+$/u, '');

/** A loaded, initialised PKCS#11 library, shared by the signers of one process. */
export class Pkcs11Module {
  private released = false;

  private constructor(
    readonly path: string,
    readonly lib: pkcs11js.PKCS11,
  ) {}

  static open(path: string): Pkcs11Module {
    let entry = loaded.get(path);
    if (entry === undefined) {
      const lib = new pkcs11js.PKCS11();
      try {
        lib.load(path);
        // Signatures run on libuv's threads (C_SignAsync): the library must lock its own state.
        lib.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
      } catch (cause) {
        throw new ParmanaError('SIG-002', {
          path,
          cause,
          detail: cause instanceof Error ? cause.message : String(cause),
        });
      }
      entry = { lib, users: 0 };
      loaded.set(path, entry);
    }
    entry.users += 1;
    return new Pkcs11Module(path, entry.lib);
  }

  /** The slot of the token labelled `label` (labels are blank-padded to 32 bytes by the token). */
  slotOf(label: string): Buffer {
    const matches = this.lib
      .C_GetSlotList(true)
      .filter((slot) => labelOf(this.lib.C_GetTokenInfo(slot).label) === label);
    const slot = matches[0];
    if (slot === undefined) throw new ParmanaError('SIG-003', { path: this.path, detail: `token ${label}` });
    if (matches.length > 1) throw new ParmanaError('SIG-003', { path: this.path, detail: `two tokens named ${label}` });
    return slot;
  }

  /** Ends this user's share; the last one finalises the library. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const entry = loaded.get(this.path);
    if (entry === undefined) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    loaded.delete(this.path);
    try {
      entry.lib.C_Finalize();
    } catch {
      // Already finalised (a device failure): nothing left to end.
    }
    entry.lib.close();
  }
}

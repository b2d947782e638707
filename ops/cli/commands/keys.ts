import { resolve } from 'node:path';
import { isParmanaError } from '../../../core/errors/ParmanaError.js';
import { publicPem } from '../../../core/crypto/ed25519Keys.js';
import { publicKeyFromRaw } from '../../../core/crypto/ed25519Keys.js';
import { generateKeyFile } from '../../keys/keyFiles.js';
import { requiredOption } from '../args.js';
import type { Command } from '../command.js';

const generate: Command = {
  path: ['keys', 'generate'],
  usage: 'keys generate --out <file.pem>',
  summary: 'Write a new Ed25519 private key (PKCS#8 PEM, mode 0600); print its keyId and public key',
  run(args, io) {
    try {
      const signer = generateKeyFile(resolve(io.cwd, requiredOption(args, '--out')));
      io.stdout(`keyId ${signer.keyId}`);
      io.stdout(publicPem(publicKeyFromRaw(signer.publicKeyRaw)).trimEnd());
      return Promise.resolve(0);
    } catch (err) {
      if (!isParmanaError(err)) throw err;
      io.stderr(err.message);
      return Promise.resolve(1);
    }
  },
};

/** `parmana keys ...`. */
export const keysCommands: readonly Command[] = [generate];
